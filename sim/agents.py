"""Mesa agents as thin views onto rows of :class:`sim.state.State`.

An agent stores only its row; every property reads (or writes) the arrays, so the agents
and the kernel never disagree and nothing is copied per step.
"""

from __future__ import annotations

import mesa
import numpy as np

from .codes import POLICE_KINDS, RELATION_CODES


class _RowAgent(mesa.Agent):
    def __init__(self, model, row: int):
        super().__init__(model)
        self.row = row

    @property
    def _state(self):
        return self.model.state


class Organization(_RowAgent):
    """A cartel: its members are the sum over its cells."""

    @property
    def name(self) -> str:
        return self.model.names.organizations[self.row]

    @property
    def members(self) -> int:
        s = self._state
        return int(s.cell_members[s.cell_active & (s.cell_org == self.row)].sum())

    @property
    def treasury(self) -> float:
        """Pesos."""
        return float(self._state.org_treasury[self.row])

    @property
    def leader_alive(self) -> bool:
        return bool(self._state.org_leader_alive[self.row])

    @property
    def aggression(self) -> float:
        return float(self._state.org_aggression[self.row])

    @aggression.setter
    def aggression(self, value: float) -> None:
        self._state.org_aggression[self.row] = value

    def relation_to(self, other: "Organization") -> str:
        code = int(self._state.relation[self.row, other.row])
        return next(name for name, c in RELATION_CODES.items() if c == code)

    def __repr__(self) -> str:
        return f"Organization({self.name!r}, members={self.members})"


class Cell(_RowAgent):
    """A local armed group of one organization in one plaza."""

    @property
    def organization(self) -> Organization:
        return self.model.organization_agents[int(self._state.cell_org[self.row])]

    @property
    def plaza(self) -> "Plaza":
        return self.model.plaza_agents[int(self._state.cell_plaza[self.row])]

    @property
    def members(self) -> int:
        return int(self._state.cell_members[self.row])

    @property
    def local(self) -> bool:
        return bool(self._state.cell_local[self.row])

    @property
    def loyalty(self) -> float:
        return float(self._state.cell_loyalty[self.row])

    @property
    def posture(self) -> str:
        return "attack" if self._state.cell_attack[self.row] else "hold"

    def __repr__(self) -> str:
        return f"Cell({self.organization.name!r} in {self.plaza.name!r}, members={self.members})"


class PoliceUnit(_RowAgent):
    """Municipal, state or federal police, or an army unit, in one plaza."""

    @property
    def plaza(self) -> "Plaza":
        return self.model.plaza_agents[int(self._state.unit_plaza[self.row])]

    @property
    def kind(self) -> str:
        return POLICE_KINDS[int(self._state.unit_kind[self.row])]

    @property
    def officers(self) -> int:
        return int(self._state.unit_officers[self.row])

    @property
    def integrity(self) -> float:
        return float(self._state.unit_integrity[self.row])

    @property
    def payroll(self) -> Organization | None:
        o = int(self._state.unit_payroll[self.row])
        return self.model.organization_agents[o] if o >= 0 else None

    @property
    def active(self) -> bool:
        return bool(self._state.unit_active[self.row])

    def __repr__(self) -> str:
        patron = self.payroll.name if self.payroll else "clean"
        return f"PoliceUnit({self.kind} in {self.plaza.name!r}, officers={self.officers}, {patron})"


class Plaza(_RowAgent):
    """A town or municipality on the trafficking network."""

    @property
    def name(self) -> str:
        return self.model.names.plazas[self.row]

    @property
    def population(self) -> int:
        return int(self._state.plaza_population[self.row])

    @property
    def controller(self) -> Organization | None:
        o = int(self._state.plaza_controller[self.row])
        return self.model.organization_agents[o] if o >= 0 else None

    @property
    def boss_alive(self) -> bool:
        return bool(self._state.plaza_boss_alive[self.row])

    @property
    def contested(self) -> bool:
        return bool(self._state.plaza_contested[self.row])

    @property
    def neighbours(self) -> list["Plaza"]:
        s = self._state
        rows = s.nbr_idx[s.nbr_ptr[self.row] : s.nbr_ptr[self.row + 1]]
        return [self.model.plaza_agents[int(r)] for r in rows]

    def __repr__(self) -> str:
        ctrl = self.controller.name if self.controller else None
        return f"Plaza({self.name!r}, controller={ctrl!r})"


def new_rows(active: np.ndarray, known: dict) -> list[int]:
    """Active rows that have no agent yet."""
    return [int(r) for r in np.flatnonzero(active) if int(r) not in known]
