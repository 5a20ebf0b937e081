"""The mechanisms of one step, as compiled functions over the state arrays.

Each function is one phase of the step order documented in :func:`sim.kernel.advance`
and, with its equations, in docs/model.md. Conventions:

- ``prm`` is the parameter vector (layout in :mod:`sim.codes`), ``dt`` the step in days;
  a rate r per day becomes the per-step probability ``rate_to_prob(r, dt)``.
- ``pc_ptr/pc_idx`` and ``pu_ptr/pu_idx`` index the active cells and police units of each
  plaza (CSR, ascending rows).
- Every draw is keyed by (seed, stream, step, stable ids) so it does not depend on loop
  order or on unrelated rows. Where claims compete (two pairs killing the same cell's
  members, two organizations bribing one unit, two assassins after one boss), they are
  resolved in ascending order of organization row, each capped at what is left; a police
  unit choosing among bribes takes the largest budget.
"""
