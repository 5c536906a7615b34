"""Random sequences of tree operations keep the tree valid and lose no unit."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from congdoan.org import services
from congdoan.org.choices import Role, UnitKind, UnitStatus
from congdoan.org.models import Unit
from tests.conftest import make_unit, make_user

KINDS = [UnitKind.COMMUNE_UNION, UnitKind.GRASSROOTS_UNION, UnitKind.UNION_GROUP]


@pytest.mark.django_db
class TestTreeOperations:
    def test_random_operations(self):
        run_state_machine()


class TreeMachine(RuleBasedStateMachine):
    examples = 0

    @initialize()
    def setup(self):
        # Each example grows its own root, so nothing needs deleting between examples.
        TreeMachine.examples += 1
        self.prefix = f"E{TreeMachine.examples}-"
        self.root = make_unit(
            None, f"{self.prefix}ROOT", "Liên đoàn", UnitKind.PROVINCIAL_FEDERATION
        )
        self.actor = make_user(f"admin_{self.prefix}", self.root, Role.ADMINISTRATOR)
        self.counter = 0
        self.expected_codes = {self.root.code}

    def _units(self):
        return list(
            Unit.objects.filter(path__startswith=self.root.path, status=UnitStatus.ACTIVE).order_by(
                "path"
            )
        )

    def _all(self):
        return Unit.objects.filter(path__startswith=self.root.path)

    @rule(data=st.data(), kind=st.sampled_from(KINDS))
    def create(self, data, kind):
        parent = data.draw(st.sampled_from(self._units()))
        self.counter += 1
        code = f"{self.prefix}U{self.counter}"
        try:
            services.create_unit(
                self.actor, parent=parent, code=code, name=f"Đơn vị {self.counter}", kind=kind
            )
        except ValidationError:
            return
        self.expected_codes.add(code)

    @rule(data=st.data())
    def move(self, data):
        units = self._units()
        unit, target = data.draw(st.sampled_from(units)), data.draw(st.sampled_from(units))
        before = set(Unit.objects.filter(path__startswith=unit.path).values_list("code", flat=True))
        try:
            services.move_unit(self.actor, unit, target)
        except ValidationError:
            return
        moved = Unit.objects.get(pk=unit.pk)
        after = set(Unit.objects.filter(path__startswith=moved.path).values_list("code", flat=True))
        assert before == after, "a move lost or gained descendants"

    @rule(data=st.data())
    def merge(self, data):
        units = self._units()
        source, target = data.draw(st.sampled_from(units)), data.draw(st.sampled_from(units))
        below = set(
            Unit.objects.filter(path__startswith=source.path)
            .exclude(pk=source.pk)
            .values_list("code", flat=True)
        )
        try:
            services.merge_units(self.actor, source, target)
        except ValidationError:
            return
        target = Unit.objects.get(pk=target.pk)
        now_below_target = set(
            Unit.objects.filter(path__startswith=target.path).values_list("code", flat=True)
        )
        assert below <= now_below_target, "a merge lost descendants"

    @rule(data=st.data())
    def dissolve(self, data):
        unit = data.draw(st.sampled_from(self._units()))
        try:
            services.dissolve_unit(self.actor, unit, "test")
        except ValidationError:
            return

    @invariant()
    def tree_is_consistent(self):
        if not hasattr(self, "root"):
            return
        assert Unit.objects.find_problems() == ([], [], [], [], [])
        assert set(self._all().values_list("code", flat=True)) == self.expected_codes
        units = list(self._all())
        children = {}
        for unit in units:
            if unit.depth > self.root.depth:
                parent_path = unit.path[: -Unit.steplen]
                children[parent_path] = children.get(parent_path, 0) + 1
        for unit in units:
            assert unit.numchild == children.get(unit.path, 0)
            if unit.status == UnitStatus.MERGED:
                assert unit.merged_into_id is not None and unit.numchild == 0


def run_state_machine():
    TreeMachine.TestCase.settings = settings(
        max_examples=20,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    TreeMachine.TestCase().runTest()
