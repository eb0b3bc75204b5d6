"""``MoneyField``: a ``Money`` attribute stored as integer minor units in a bigint column.

The currency is not stored by the field. It comes from one of:

- ``currency="USD"``: fixed for every row;
- ``currency_field="currency"``: a sibling column on the same row;
- ``currency_field="tenant.currency"``: a dotted attribute path from the instance.

Like a foreign key, the field has two attributes. ``price`` is a ``Money`` (or ``None``) and
``price_minor`` is the raw integer, which is also the column name. Assigning to ``price``
accepts a ``Money``, a ``Decimal`` or a decimal ``str`` in major units ("19.99", using the
instance's currency) or an ``int`` in minor units (as stored, as loaded from the database).

The ORM speaks minor units: ``filter(price=Money(...))`` and ``filter(price__gt=...)`` compare
the integers (a ``Money`` is checked against a fixed currency, but a sibling or dotted currency
is not added to the query: filter on it yourself), ``values("price")`` and
``values_list("price")`` return the integer (``values()`` with no names returns it under
``price_minor``) and ``Sum("price")`` adds integers. Forms and the admin show and take the amount
in major units ("19.99"), checked against the currency the row has once the form is applied.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core import checks, exceptions
from django.db import models

from emporium.shared_kernel.money import CurrencyMismatch, Money, minor_digits

MINOR_SUFFIX = "_minor"


@dataclass(frozen=True, slots=True)
class _FormAmount:
    """An amount from a form, converted once the row's currency is known."""

    amount: Decimal


class MoneyAttribute:
    """Read and write a ``MoneyField`` as ``Money`` through the field's name."""

    def __init__(self, field: MoneyField) -> None:
        self.field = field

    def __get__(self, instance: models.Model | None, cls: type | None = None) -> Any:
        if instance is None:
            return self
        # Through the attname's own descriptor, which loads a deferred column.
        raw = getattr(instance, self.field.attname)
        if raw is None:
            return None
        if isinstance(raw, _FormAmount):
            return Money.of(raw.amount, self.field.currency_of(instance))
        return Money(raw, self.field.currency_of(instance))

    def __set__(self, instance: models.Model, value: object) -> None:
        instance.__dict__[self.field.attname] = self.field.minor_for(instance, value)


class MoneyAmountFormField(forms.DecimalField):
    """Edit a ``MoneyField`` as a decimal amount in major units ("19.99")."""

    def __init__(self, *, currency: str | None = None, **kwargs: Any) -> None:
        # No max_digits/decimal_places: Money.of decides what is exact for the currency.
        self.currency = currency  # before super(): widget_attrs() reads it
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return str(value) if isinstance(value, Money) else value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, Money):
            return value.amount
        return super().to_python(value)

    def has_changed(self, initial: Any, data: Any) -> bool:
        return super().has_changed(self.to_python(initial), data)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and self.currency is not None:
            try:
                Money.of(value, self.currency)
            except ValueError as exc:
                raise exceptions.ValidationError(str(exc), code="invalid_amount") from exc

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        numeric = isinstance(widget, forms.NumberInput) and "step" not in widget.attrs
        if self.currency is not None and numeric:
            attrs["step"] = str(Money(1, self.currency).amount)  # "0.01", "1", "0.001"
        return attrs


if TYPE_CHECKING:
    _BigIntegerField = models.BigIntegerField[Money | Decimal | str | int | None, Money]
else:  # Django's field classes are generic for the type checker only.
    _BigIntegerField = models.BigIntegerField


class MoneyField(_BigIntegerField):
    """A ``Money`` stored as integer minor units; the currency is fixed or read from the row."""

    description = "An amount of money in integer minor units"

    def __init__(
        self,
        *args: Any,
        currency: str | None = None,
        currency_field: str | None = None,
        **kwargs: Any,
    ) -> None:
        if (currency is None) == (currency_field is None):
            raise TypeError("MoneyField needs exactly one of currency= and currency_field=.")
        if currency is not None:
            minor_digits(currency)
        elif not currency_field:
            raise TypeError("MoneyField currency_field= must name an attribute.")
        self.currency = currency
        self.currency_field = currency_field
        self._currency_getter: Callable[[Any], Any] | None = (
            operator.attrgetter(currency_field) if currency_field else None
        )
        default = kwargs.get("default")
        if isinstance(default, Money):
            if currency is None or default.currency != currency:
                raise TypeError(
                    "A Money default needs the same fixed currency=; else use minor units."
                )
            kwargs["default"] = default.minor
        super().__init__(*args, **kwargs)

    # --- model class wiring -------------------------------------------------------------------

    def get_attname(self) -> str:
        return f"{self.name}{MINOR_SUFFIX}"

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False
    ) -> None:
        # Django puts a plain DeferredAttribute on the attname (the raw integer); the name
        # gets the Money view of it.
        super().contribute_to_class(cls, name, private_only=private_only)
        setattr(cls, self.name, MoneyAttribute(self))

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.currency is not None:
            kwargs["currency"] = self.currency
        else:
            kwargs["currency_field"] = self.currency_field
        return name, path, args, kwargs

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if self.currency_field and "." not in self.currency_field:
            names = {field.name for field in self.model._meta.get_fields()}
            if self.currency_field not in names:
                errors.append(
                    checks.Error(
                        f"currency_field {self.currency_field!r} is not a field of "
                        f"{self.model.__name__}.",
                        obj=self,
                        id="money.E001",
                    )
                )
        return errors

    # --- currency -----------------------------------------------------------------------------

    def currency_of(self, instance: models.Model) -> str:
        """Return the currency of this field's amount on ``instance``."""
        if self.currency is not None:
            return self.currency
        assert self._currency_getter is not None
        currency = self._currency_getter(instance)
        minor_digits(currency)
        return cast(str, currency)

    def minor_for(self, instance: models.Model, value: object) -> int | None:
        """Return ``value`` in minor units for ``instance``, checking or setting its currency."""
        if value is None:
            return None
        if isinstance(value, Money):
            self._accept_currency(instance, value.currency)
            return value.minor
        if isinstance(value, bool | float):
            raise TypeError(f"{self._label()} takes Money, Decimal, str or int, not {value!r}.")
        if isinstance(value, int):
            return value  # minor units, as stored
        if isinstance(value, Decimal | str):
            return Money.of(value, self.currency_of(instance)).minor
        raise TypeError(f"{self._label()} takes Money, Decimal, str or int, not {value!r}.")

    def _accept_currency(self, instance: models.Model, currency: str) -> None:
        if self.currency_field and "." not in self.currency_field:
            current = getattr(instance, self.currency_field)
            if not current:
                # A row without a currency takes the Money's. One that has one keeps it, so
                # other amounts sharing the column are never silently reinterpreted.
                setattr(instance, self.currency_field, currency)
                return
        else:
            current = self.currency_of(instance)
        if current != currency:
            raise CurrencyMismatch(f"{self._label()} is in {current}, not {currency}.")

    def _label(self) -> str:
        return f"{self.model.__name__}.{self.name}" if hasattr(self, "model") else self.name

    # --- database -----------------------------------------------------------------------------

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Money):
            if self.currency is not None and value.currency != self.currency:
                raise CurrencyMismatch(
                    f"{self._label()} is in {self.currency}, not {value.currency}."
                )
            return value.minor
        if isinstance(value, bool | float | Decimal | _FormAmount):
            # A Decimal here would be truncated to an integer by int(): refuse it.
            raise TypeError(f"{self._label()} compares Money or int minor units, not {value!r}.")
        return super().get_prep_value(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, _FormAmount):
            value = Money.of(value.amount, self.currency_of(model_instance)).minor
            setattr(model_instance, self.attname, value)
        return value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, Money):
            return value.minor
        if isinstance(value, bool | float | Decimal):
            raise exceptions.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            )
        return super().to_python(value)

    def value_from_object(self, obj: models.Model) -> Any:
        return getattr(obj, self.name)

    def value_to_string(self, obj: models.Model) -> str:
        value = getattr(obj, self.attname)
        return "" if value is None else str(value)

    # --- forms --------------------------------------------------------------------------------

    def formfield(self, **kwargs: Any) -> Any:
        # Skip IntegerField's formfield: its bounds are in minor units, the form's in major.
        defaults: dict[str, Any] = {"form_class": MoneyAmountFormField, "currency": self.currency}
        return models.Field.formfield(self, **{**defaults, **kwargs})

    def save_form_data(self, instance: models.Model, data: Any) -> None:
        # Converted in clean() or pre_save(), once every form field (the currency column
        # included, whatever its position) has been set on the instance.
        if isinstance(data, Decimal):
            data = _FormAmount(data)
        setattr(instance, self.attname, data)

    def clean(self, value: Any, model_instance: models.Model | None) -> Any:
        if isinstance(value, _FormAmount):
            if model_instance is None:
                raise exceptions.ValidationError(
                    "An amount needs the row's currency.", code="invalid_amount"
                )
            try:
                value = Money.of(value.amount, self.currency_of(model_instance)).minor
            except (TypeError, ValueError, AttributeError, exceptions.ObjectDoesNotExist) as exc:
                # Not code="invalid": a model form would replace the message with its own.
                raise exceptions.ValidationError(str(exc), code="invalid_amount") from exc
        return super().clean(value, model_instance)
