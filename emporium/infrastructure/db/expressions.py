"""Query expressions for reports: local calendar time, money totals, percentiles, windows.

Each runs on PostgreSQL and, where SQLite can do the same, on SQLite. Local time on SQLite goes
through deterministic Python functions that ``sqlite_functions.install`` registers on every new
connection (Django stores datetimes there as UTC text); ``Percentile`` refuses SQLite with
``NotSupportedError``.

- ``LocalDate(expr, zone)``, ``LocalHour(expr, zone)``, ``LocalDayNumber(expr, zone)``: the
  calendar date, the start of the hour (an aware UTC datetime) and the day number (days since
  1970-01-01) of a timestamp as the wall clock of the IANA zone ``zone`` shows it.
- ``MoneySum(minor, currency)``: ``Money`` per group; a group of several currencies raises
  ``MixedCurrencies`` when its row is read, instead of adding them.
- ``Percentile(expr, fraction)``, ``Median(expr)``: PostgreSQL's ``percentile_cont`` (a
  ``Decimal``) or ``percentile_disc`` (a value of the column).
- ``RunningTotal``, ``MovingAverage``, ``Change``: ``Window`` expressions over an ordering,
  on rows or on a group's aggregates. A daily series in a shop's zone groups by the day number
  too and orders the windows by it::

      Payment.objects.values(
          day=LocalDate("paid_at", zone), day_number=LocalDayNumber("paid_at", zone)
      ).annotate(
          total=Sum("paid_minor"),
          week=MovingAverage("total", order_by="day_number"),
          change=Change("total", order_by="day_number"),
      ).order_by("day")

  Ranks are Django's own: ``Window(Rank(), order_by=F("total").desc())``.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import NotSupportedError
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    F,
    Func,
    IntegerField,
    Q,
    ValueRange,
    When,
    Window,
)
from django.db.models.functions import Lag

from emporium.shared_kernel.money import CurrencyMismatch, Money

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper as Connection
    from django.db.models.sql.compiler import SQLCompiler

__all__ = [
    "Change",
    "LocalDate",
    "LocalDayNumber",
    "LocalHour",
    "Median",
    "MixedCurrencies",
    "MoneySum",
    "MovingAverage",
    "Percentile",
    "RunningTotal",
    "zone_name",
]

#: SQL and its parameters, as ``as_sql`` returns them.
Compiled = tuple[str, tuple[Any, ...]]


def zone_name(time_zone: str) -> str:
    """Return ``time_zone`` if it is an IANA zone name Python knows, else raise ValueError."""
    if not isinstance(time_zone, str) or not time_zone:
        raise ValueError(f"Not a time zone name: {time_zone!r}.")
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"Unknown time zone {time_zone!r}.") from None
    return time_zone


def _expression(value: Any) -> Any:
    return F(value) if isinstance(value, str) else value


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _render(template: str, **parts: Compiled) -> Compiled:
    """Fill ``{name}`` placeholders with compiled SQL, parameters in the order they appear."""
    params: list[Any] = []

    def fill(match: re.Match[str]) -> str:
        sql, part_params = parts[match[1]]
        params.extend(part_params)
        return sql

    sql = _PLACEHOLDER.sub(fill, template)
    return sql, tuple(params)


# --- local calendar time ----------------------------------------------------------------------


class _LocalTime(Func):
    """A timestamp read on the wall clock of ``time_zone``; the zone is a query parameter."""

    arity = 1
    #: PostgreSQL SQL with ``{expression}`` and ``{zone}`` placeholders.
    postgresql_template: str
    #: The Python function ``sqlite_functions`` registers: (UTC text, zone) -> value.
    sqlite_function: str

    def __init__(self, expression: Any, time_zone: str, **extra: Any) -> None:
        self.time_zone = zone_name(time_zone)
        super().__init__(expression, **extra)

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: Connection,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Compiled:
        raise NotSupportedError(
            f"{type(self).__name__} runs on PostgreSQL and SQLite, not {connection.vendor}."
        )

    def as_postgresql(
        self, compiler: SQLCompiler, connection: Connection, **extra_context: Any
    ) -> Compiled:
        zone: Compiled = ("%s", (self.time_zone,))
        expression = compiler.compile(self.source_expressions[0])
        return _render(self.postgresql_template, expression=expression, zone=zone)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: Connection, **extra_context: Any
    ) -> Compiled:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{self.sqlite_function}({sql}, %s)", (*params, self.time_zone)


class LocalDate(_LocalTime):
    """Return the calendar date of a timestamp in ``time_zone``."""

    output_field = DateField()
    postgresql_template = "(({expression} AT TIME ZONE {zone})::date)"
    sqlite_function = "emporium_local_date"


class LocalHour(_LocalTime):
    """Return the instant (aware, UTC) at which the local hour of a timestamp began.

    The offset of the timestamp itself is kept, so the repeated hour of a change back from
    summer time gives two distinct instants and a half-hour zone's hours start at :30 UTC.
    """

    output_field = DateTimeField()
    # instant - (local wall time - local wall time truncated to the hour)
    postgresql_template = (
        "({expression} - (({expression} AT TIME ZONE {zone})"
        " - date_trunc('hour', {expression} AT TIME ZONE {zone})))"
    )
    sqlite_function = "emporium_local_hour"


class LocalDayNumber(_LocalTime):
    """Return the days from 1970-01-01 to the local date of a timestamp in ``time_zone``.

    An integer, so that a ``ValueRange`` window frame counts calendar days on both databases.
    """

    output_field = IntegerField()
    postgresql_template = "(({expression} AT TIME ZONE {zone})::date - DATE '1970-01-01')"
    sqlite_function = "emporium_local_day_number"


# --- money --------------------------------------------------------------------------------------


class MixedCurrencies(CurrencyMismatch):
    """A ``MoneySum`` group held amounts in more than one currency."""


class MoneySum(Aggregate):
    """Return the ``Money`` total of integer minor units per group, in the group's currency.

    ``None`` for a group without amounts. A group mixing currencies has no total in SQL (the
    amount is NULL) and raises ``MixedCurrencies`` when read: group by the currency first,
    ``qs.values("currency").annotate(total=MoneySum("paid_minor", "currency"))``. The column
    is the text ``"<currency>:<minor>"`` (or ``"<low>|<high>"``), so order by the currency
    and the minor units, not by it.
    """

    name = "MoneySum"
    function = None
    window_compatible = False
    output_field = CharField()
    template = (
        "CASE WHEN MIN({currency}) = MAX({currency})"
        " THEN MIN({currency}) || ':' || CAST(SUM({minor}) AS TEXT)"
        " WHEN MIN({currency}) IS NOT NULL THEN MIN({currency}) || '|' || MAX({currency})"
        " END"
    )

    def __init__(
        self, minor_expression: Any, currency_expression: Any, *, filter: Q | None = None
    ) -> None:
        minor, currency = _expression(minor_expression), _expression(currency_expression)
        if filter is not None:
            # MIN, MAX and SUM skip NULLs: a filtered-out row takes part in none of them.
            minor = Case(When(filter, then=minor))
            currency = Case(When(filter, then=currency))
        super().__init__(minor, currency)

    def as_sql(  # type: ignore[override]  # as Aggregate's own
        self, compiler: SQLCompiler, connection: Connection, **extra_context: Any
    ) -> Compiled:
        minor, currency = self.source_expressions
        return _render(
            self.template, minor=compiler.compile(minor), currency=compiler.compile(currency)
        )

    def convert_value(self, value: Any, expression: Any, connection: Any) -> Money | None:
        if value is None:
            return None
        if "|" in value:
            low, high = value.split("|", 1)
            raise MixedCurrencies(
                f"A MoneySum group mixes currencies ({low} to {high}); group by the currency."
            )
        currency, minor = value.split(":", 1)
        return Money(int(minor), currency)


# --- percentiles --------------------------------------------------------------------------------


class Percentile(Aggregate):
    """Return the ``fraction`` percentile of a column (PostgreSQL only).

    Continuous (``percentile_cont``, the default): PostgreSQL interpolates in double precision
    and the value comes back cast to numeric, a ``Decimal``: exact for a median of integer minor
    units (a half at most), rounded to 15 significant digits otherwise. Never a float. Discrete
    (``discrete=True``, ``percentile_disc``): the first value at or above the fraction, of the
    column's own type. NULLs are skipped; an empty group gives ``None``.
    """

    name = "Percentile"
    window_compatible = False

    def __init__(
        self,
        expression: Any,
        fraction: float | Decimal | str,
        *,
        discrete: bool = False,
        filter: Q | None = None,
    ) -> None:
        value = Decimal(str(fraction))
        if not value.is_finite() or not Decimal(0) <= value <= Decimal(1):
            raise ValueError(f"A percentile fraction is between 0 and 1, not {fraction!r}.")
        self.fraction = value
        self.discrete = discrete
        expression = _expression(expression)
        if filter is not None:
            expression = Case(When(filter, then=expression))
        super().__init__(expression)

    def _resolve_output_field(self) -> Any:
        if self.discrete:
            return self.source_expressions[0].output_field
        return DecimalField()

    def as_sql(  # type: ignore[override]  # as Aggregate's own
        self, compiler: SQLCompiler, connection: Connection, **extra_context: Any
    ) -> Compiled:
        sql, params = compiler.compile(self.source_expressions[0])
        function = "percentile_disc" if self.discrete else "percentile_cont"
        call = f"{function}(%s) WITHIN GROUP (ORDER BY {sql})"
        sql = call if self.discrete else f"CAST({call} AS numeric)"
        return sql, (self.fraction, *params)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: Connection, **extra_context: Any
    ) -> Compiled:
        raise NotSupportedError(
            f"{type(self).__name__} needs PostgreSQL (percentile_cont/percentile_disc); "
            "SQLite has no ordered-set aggregates."
        )


class Median(Percentile):
    """Return the median of a column: ``Percentile(expression, 0.5)``."""

    name = "Median"

    def __init__(self, expression: Any, *, filter: Q | None = None) -> None:
        super().__init__(expression, Decimal("0.5"), filter=filter)


# --- windows ------------------------------------------------------------------------------------


class _FrameSum(Func):
    """``SUM`` as a window function only, over a column or over the group's own aggregate.

    Django's ``Sum`` refuses to contain an aggregate; ``SUM(SUM(x)) OVER (...)`` is what a
    running total of daily totals is, so the window helpers take ``"total"`` (an aggregate
    annotation) as readily as a column.
    """

    function = "SUM"
    arity = 1
    window_compatible = True


class _OffsetRange(ValueRange):
    """``RANGE BETWEEN n PRECEDING AND CURRENT ROW``, which Django 5.2 refuses for PostgreSQL.

    PostgreSQL has taken offsets in RANGE frames since version 11 (SQLite since 3.28); Django
    still checks for the older rule, so the bounds are written as a ROWS frame's would be.
    """

    def window_frame_start_end(self, connection: Any, start: Any, end: Any) -> Any:
        return connection.ops.window_frame_rows_start_end(start, end)


class _GroupedWindow(Window):
    """A window that may run over the groups of an aggregate query.

    Django groups by every non-aggregate annotation that names columns, a window included; a
    window over aggregates (``RunningTotal("total", ...)``) must not be grouped by, and what it
    is partitioned and ordered by has to be grouped by already: ``values(day=LocalDate(...),
    day_number=LocalDayNumber(...))``, then ``order_by="day_number"``.
    """

    def get_group_by_cols(self) -> list[Any]:
        if any(expr.contains_aggregate for expr in self._window_sources()):
            return []
        return super().get_group_by_cols()

    def _window_sources(self) -> list[Any]:
        return [self.get_source_expressions()[0]]


class RunningTotal(_GroupedWindow):
    """Return the sum of ``expression`` over the partition up to and including this row.

    The frame is ``RANGE UNBOUNDED PRECEDING .. CURRENT ROW``: rows with equal ``order_by``
    values share one total (the same on every run, unlike ``ROWS``).
    """

    def __init__(self, expression: Any, order_by: Any, partition_by: Any = None) -> None:
        super().__init__(
            _FrameSum(_expression(expression)),
            partition_by=partition_by,
            order_by=order_by,
            frame=ValueRange(start=None, end=0),
        )


class MovingAverage(_GroupedWindow):
    """Return the average of ``expression`` over the ``size`` order values ending at this row.

    The frame is ``RANGE size-1 PRECEDING .. CURRENT ROW`` and the sum is divided by ``size``,
    not by the rows found: ordered by a day number (``LocalDayNumber``), a day without a row
    counts as zero. ``order_by`` must be one numeric expression. An integer ``expression``
    (minor units, counts) gives an integer rounded half to even (banker's rounding, as
    ``Money.apply_rate``); any other gives the plain quotient in its own type.
    """

    def __init__(
        self, expression: Any, order_by: Any, size: int = 7, partition_by: Any = None
    ) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"A moving average needs a whole size of 1 or more, not {size!r}.")
        self.size = size
        super().__init__(
            _FrameSum(_expression(expression)),
            partition_by=partition_by,
            order_by=order_by,
            frame=_OffsetRange(start=-(size - 1), end=0),
        )

    def as_sql(
        self, compiler: SQLCompiler, connection: Connection, template: str | None = None
    ) -> Compiled:
        total, params = super().as_sql(compiler, connection, template)
        internal_type = self.output_field.get_internal_type()
        if not internal_type.endswith("IntegerField"):
            return f"(({total}) / {self.size})", tuple(params)
        # q = total / size truncated towards zero, r its remainder (the total's sign): one
        # more step away from zero when 2|r| > size, or 2|r| = size and q is odd.
        if connection.vendor == "postgresql":
            template = (
                "(div({total}, {size}) + CASE WHEN 2 * abs(mod({total}, {size})) > {size}"
                " OR (2 * abs(mod({total}, {size})) = {size} AND mod(div({total}, {size}), 2) <> 0)"
                " THEN CASE WHEN {total} < 0 THEN -1 ELSE 1 END ELSE 0 END)"
            )
        else:  # SQLite: integer / and % truncate towards zero
            # "%%": Django's SQLite cursor turns it into "%", and a lone "%" would break
            # ``last_executed_query`` (DEBUG's query log), which formats the SQL with "%".
            template = (
                "(({total}) / {size} + CASE WHEN 2 * abs(({total}) %% {size}) > {size}"
                " OR (2 * abs(({total}) %% {size}) = {size} AND (({total}) / {size}) %% 2 <> 0)"
                " THEN CASE WHEN {total} < 0 THEN -1 ELSE 1 END ELSE 0 END)"
            )
        return _render(template, total=(total, params), size=(str(self.size), ()))


class Change(_GroupedWindow):
    """Return ``expression`` minus its value ``offset`` rows earlier (``LAG``); first: None."""

    def __init__(
        self, expression: Any, order_by: Any, offset: int = 1, partition_by: Any = None
    ) -> None:
        current = _expression(expression)
        super().__init__(Lag(current, offset), partition_by=partition_by, order_by=order_by)
        self.current = current

    def get_source_expressions(self) -> list[Any]:
        return [*super().get_source_expressions(), self.current]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        *window, self.current = exprs
        super().set_source_expressions(window)

    def as_sql(
        self, compiler: SQLCompiler, connection: Connection, template: str | None = None
    ) -> Compiled:
        previous, previous_params = super().as_sql(compiler, connection, template)
        current, current_params = compiler.compile(self.current)
        return f"({current} - {previous})", (*current_params, *previous_params)

    def _window_sources(self) -> list[Any]:
        return [self.get_source_expressions()[0], self.current]

    def get_group_by_cols(self) -> list[Any]:
        cols = super().get_group_by_cols()
        return [*cols, *self.current.get_group_by_cols()] if cols else cols
