"""The mechanisms of one step, as compiled functions over the kernel's records.

Each function is one phase of the step order documented in :func:`sim.kernel.advance`
and, with its equations, in docs/model.md. A phase takes the records it uses, each named
as :func:`sim.kernel.advance` names it (:mod:`sim.records`: ``orgs``, ``cells``, ``units``,
``plazas``, ``run``, ``pairs``, ``index``, ``scratch``, ``violence``), and ``t``, the step.
A phase first binds the record fields it reads to local names (the State's names:
``cell_members = cells.members``): numba increments and decrements the reference count of
an array taken from a record at every use inside a loop, which made BCS 2.7 times slower.
Conventions:

- ``run.prm`` is the parameter vector (``run.prm[P_CLASH_RATE]``: layout in
  :mod:`sim.codes`), ``run.dt`` the step in days; a rate r per day becomes the per-step
  probability ``rate_to_prob(r, run.dt)``.
- ``index`` lists the active cells and police units of each plaza (CSR, ascending rows).
- Every draw is keyed by (seed, stream, step, stable ids) so it does not depend on loop
  order or on unrelated rows. Where claims compete (two pairs killing the same cell's
  members, two organizations bribing one unit, two assassins after one boss), they are
  resolved in ascending order of organization row, each capped at what is left; a police
  unit choosing among bribes takes the largest budget.
"""
