"""The tenant context: nesting, the missing-tenant error, and what another thread sees."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from emporium.multitenancy.context import (
    TenantContextMissing,
    TenantRef,
    carry_context,
    current_tenant,
    require_tenant,
    tenant_context,
)

ACME = TenantRef(id=uuid.UUID("00000000-0000-0000-0000-00000000000a"), slug="acme")
GLOBEX = TenantRef(id=uuid.UUID("00000000-0000-0000-0000-00000000000b"), slug="globex")


class Boom(Exception):
    pass


def test_no_tenant_outside_any_block() -> None:
    assert current_tenant() is None


def test_nesting_restores_the_previous_tenant_at_every_level() -> None:
    seen = []
    with tenant_context(ACME) as outer:
        seen.append(("outer", outer, current_tenant()))
        with tenant_context(GLOBEX) as inner:
            seen.append(("inner", inner, current_tenant()))
            with tenant_context(None):
                seen.append(("platform", None, current_tenant()))
            seen.append(("inner again", GLOBEX, current_tenant()))
        seen.append(("outer again", ACME, current_tenant()))
    seen.append(("outside", None, current_tenant()))

    assert seen == [
        ("outer", ACME, ACME),
        ("inner", GLOBEX, GLOBEX),
        ("platform", None, None),
        ("inner again", GLOBEX, GLOBEX),
        ("outer again", ACME, ACME),
        ("outside", None, None),
    ]


def fail_inside(*tenants: TenantRef | None) -> None:
    """Enter the tenants' blocks one inside the other, check the innermost, raise."""
    if not tenants:
        raise Boom
    with tenant_context(tenants[0]):
        assert current_tenant() == tenants[0]
        fail_inside(*tenants[1:])


def test_nesting_restores_the_previous_tenant_when_the_block_raises() -> None:
    with tenant_context(ACME):
        with pytest.raises(Boom):
            fail_inside(GLOBEX)
        assert current_tenant() == ACME
        with pytest.raises(Boom):
            fail_inside(GLOBEX, None, ACME)
        assert current_tenant() == ACME
    assert current_tenant() is None


def test_the_outermost_block_resets_to_no_tenant_when_it_raises() -> None:
    with pytest.raises(Boom), tenant_context(ACME):
        raise Boom

    assert current_tenant() is None


def test_require_tenant_returns_the_current_tenant() -> None:
    with tenant_context(GLOBEX):
        assert require_tenant() is GLOBEX


def test_require_tenant_raises_outside_any_block() -> None:
    with pytest.raises(TenantContextMissing, match="No tenant in context"):
        require_tenant()


def test_require_tenant_raises_inside_a_platform_block() -> None:
    with tenant_context(ACME), tenant_context(None), pytest.raises(TenantContextMissing):
        require_tenant()


def test_a_plain_thread_does_not_see_the_parents_tenant() -> None:
    seen: list[TenantRef | None] = []
    errors: list[type[BaseException]] = []

    def work() -> None:
        seen.append(current_tenant())
        try:
            require_tenant()
        except TenantContextMissing as exc:
            errors.append(type(exc))

    with tenant_context(ACME):
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()

    assert seen == [None]
    assert errors == [TenantContextMissing]


def test_a_function_wrapped_with_carry_context_sees_the_parents_tenant_in_a_thread() -> None:
    seen: list[TenantRef | None] = []

    def work(label: str) -> None:
        seen.append(current_tenant())
        seen.append(require_tenant())
        seen.append(TenantRef(id=require_tenant().id, slug=label))

    with tenant_context(ACME):
        thread = threading.Thread(target=carry_context(work), args=("carried",))
        thread.start()
        thread.join()

    assert seen == [ACME, ACME, TenantRef(id=ACME.id, slug="carried")]


def test_carry_context_takes_the_tenant_when_wrapping_not_when_running() -> None:
    seen: list[TenantRef | None] = []
    with tenant_context(ACME):
        wrapped = carry_context(lambda: seen.append(current_tenant()))
    with tenant_context(GLOBEX):
        thread = threading.Thread(target=wrapped)
        thread.start()
        thread.join()
        # The parent's own context is untouched by what the thread ran in.
        assert current_tenant() == GLOBEX

    assert seen == [ACME]


def test_a_thread_switching_tenant_inside_carry_context_leaves_the_parent_alone() -> None:
    def work() -> tuple[TenantRef | None, TenantRef | None]:
        with tenant_context(GLOBEX):
            inside = current_tenant()
        return inside, current_tenant()

    with tenant_context(ACME), ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(carry_context(work)).result()
        assert current_tenant() == ACME

    assert result == (GLOBEX, ACME)


def test_thread_pool_sees_no_tenant_without_carry_context() -> None:
    with tenant_context(ACME), ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: current_tenant(), range(4)))

    assert results == [None, None, None, None]


def test_thread_pool_sees_each_carried_tenant() -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = []
        for tenant in (ACME, GLOBEX, ACME, GLOBEX, None):
            with tenant_context(tenant):
                futures.append(pool.submit(carry_context(current_tenant)))
        results = [future.result() for future in futures]

    assert results == [ACME, GLOBEX, ACME, GLOBEX, None]


def test_thread_pool_carried_function_gets_its_arguments_and_returns_its_result() -> None:
    def describe(prefix: str, *, suffix: str) -> str:
        return f"{prefix}{require_tenant().slug}{suffix}"

    with tenant_context(GLOBEX), ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(carry_context(describe), "<", suffix=">").result()

    assert result == "<globex>"
