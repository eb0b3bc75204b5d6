"""The DRF MoneyField: {"amount": "19.99", "currency": "USD"} in and out, nothing looser."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from emporium.infrastructure.http.money import MoneyField
from emporium.shared_kernel.money import Money, UnknownCurrency


class PriceInput(serializers.Serializer[Any]):
    price = MoneyField()
    refund = MoneyField(allow_negative=True, required=False)
    fee = MoneyField(currency="EUR", required=False)


def errors_for(data: object) -> Any:
    serializer = PriceInput(data=data)
    assert not serializer.is_valid()
    return serializer.errors


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"amount": "19.99", "currency": "USD"}, Money(1999, "USD")),
        ({"amount": "19.9", "currency": "USD"}, Money(1990, "USD")),
        ({"amount": "0", "currency": "EUR"}, Money(0, "EUR")),
        ({"amount": "1500", "currency": "JPY"}, Money(1500, "JPY")),
        ({"amount": "1.234", "currency": "KWD"}, Money(1234, "KWD")),
        ({"currency": "USD", "amount": "19.990"}, Money(1999, "USD")),
    ],
)
def test_accepts_a_string_amount_in_a_known_currency(body: dict[str, str], expected: Money) -> None:
    serializer = PriceInput(data={"price": body})

    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data == {"price": expected}


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (19.99, 'The amount must be a string such as "19.99", not a number.'),
        (1999, 'The amount must be a string such as "19.99", not a number.'),
        (True, 'The amount must be a string such as "19.99", not a boolean.'),
        (None, 'The amount must be a string such as "19.99", not null.'),
        (["19.99"], 'The amount must be a string such as "19.99", not an array.'),
        ("19.999", "19.999 has more decimal places than USD allows (2)."),
        ("1e3", "'1e3' is not a decimal amount such as '19.99'."),
        ("NaN", "'NaN' is not a decimal amount such as '19.99'."),
        (" 19.99", "' 19.99' is not a decimal amount such as '19.99'."),
        ("", "'' is not a decimal amount such as '19.99'."),
        ("-1.00", "The amount must not be negative."),
    ],
)
def test_rejects_amounts(amount: object, message: str) -> None:
    assert errors_for({"price": {"amount": amount, "currency": "USD"}}) == {
        "price": {"amount": [message]}
    }


@pytest.mark.parametrize(
    ("currency", "message"),
    [
        ("XXX", "Unknown currency 'XXX': use an upper-case ISO 4217 code."),
        ("usd", "Unknown currency 'usd': use an upper-case ISO 4217 code."),
        ("", "Unknown currency '': use an upper-case ISO 4217 code."),
        (840, 'The currency must be a string such as "USD", not a number.'),
        (None, 'The currency must be a string such as "USD", not null.'),
    ],
)
def test_rejects_currencies(currency: object, message: str) -> None:
    assert errors_for({"price": {"amount": "1.00", "currency": currency}}) == {
        "price": {"currency": [message]}
    }


def test_reports_amount_and_currency_errors_together() -> None:
    assert errors_for({"price": {"amount": 5, "currency": "ZZZ"}}) == {
        "price": {
            "amount": ['The amount must be a string such as "19.99", not a number.'],
            "currency": ["Unknown currency 'ZZZ': use an upper-case ISO 4217 code."],
        }
    }


@pytest.mark.parametrize(
    ("price", "expected"),
    [
        ("19.99", {"price": ['Expected an object with "amount" and "currency".']}),
        (1999, {"price": ['Expected an object with "amount" and "currency".']}),
        ([], {"price": ['Expected an object with "amount" and "currency".']}),
        (
            {"amount": "1.00", "currency": "USD", "note": "x"},
            {"price": ["Unexpected keys: note."]},
        ),
        ({"amount": "1.00"}, {"price": {"currency": ["This field is required."]}}),
        (
            {},
            {
                "price": {
                    "amount": ["This field is required."],
                    "currency": ["This field is required."],
                }
            },
        ),
        (None, {"price": ["This field may not be null."]}),
    ],
)
def test_rejects_anything_but_the_object_shape(price: object, expected: dict[str, Any]) -> None:
    assert errors_for({"price": price}) == expected


def test_the_field_itself_is_required() -> None:
    assert errors_for({}) == {"price": ["This field is required."]}


def test_an_expected_currency_refuses_others() -> None:
    assert errors_for(
        {
            "price": {"amount": "1.00", "currency": "USD"},
            "fee": {"amount": "1.00", "currency": "USD"},
        }
    ) == {"fee": {"currency": ["Expected an amount in EUR, not USD."]}}

    serializer = PriceInput(
        data={
            "price": {"amount": "1.00", "currency": "USD"},
            "fee": {"amount": "2.50", "currency": "EUR"},
        }
    )
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["fee"] == Money(250, "EUR")


def test_the_expected_currency_must_be_known() -> None:
    with pytest.raises(UnknownCurrency):
        MoneyField(currency="eur")


def test_allow_negative_accepts_negative_amounts() -> None:
    serializer = PriceInput(
        data={
            "price": {"amount": "1.00", "currency": "USD"},
            "refund": {"amount": "-0.50", "currency": "USD"},
        }
    )

    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["refund"] == Money(-50, "USD")


class PriceOutput(serializers.Serializer[Any]):
    price = MoneyField()


@pytest.mark.parametrize(
    ("money", "expected"),
    [
        (Money(1999, "USD"), {"amount": "19.99", "currency": "USD"}),
        (Money(1990, "USD"), {"amount": "19.90", "currency": "USD"}),
        (Money(-5, "EUR"), {"amount": "-0.05", "currency": "EUR"}),
        (Money(1500, "JPY"), {"amount": "1500", "currency": "JPY"}),
        (Money(1, "BHD"), {"amount": "0.001", "currency": "BHD"}),
    ],
)
def test_outputs_the_same_shape(money: Money, expected: dict[str, str]) -> None:
    assert PriceOutput({"price": money}).data == {"price": expected}


class PriceView(GenericAPIView[Any]):
    authentication_classes = []
    permission_classes = [AllowAny]

    serializer_class = PriceOutput

    def post(self, request: Request) -> Response:
        serializer = PriceOutput(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(PriceOutput(serializer.validated_data).data, status=201)


def test_a_json_number_amount_is_a_400_problem_naming_the_field() -> None:
    request = APIRequestFactory().post(
        "/api/prices/", {"price": {"amount": 19.99, "currency": "USD"}}, format="json"
    )

    response = PriceView.as_view()(request).render()

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.data["errors"] == {
        "price.amount": ['The amount must be a string such as "19.99", not a number.']
    }


def test_a_valid_body_round_trips_through_a_view() -> None:
    request = APIRequestFactory().post(
        "/api/prices/", {"price": {"amount": "19.99", "currency": "USD"}}, format="json"
    )

    response = PriceView.as_view()(request)

    assert response.status_code == 201
    assert response.data == {"price": {"amount": "19.99", "currency": "USD"}}


def test_openapi_documents_an_object_with_a_string_amount() -> None:
    generator = SchemaGenerator(patterns=[path("api/prices/", PriceView.as_view())])

    schema = generator.get_schema(request=None, public=True)

    price = schema["components"]["schemas"]["PriceOutput"]["properties"]["price"]
    assert price["type"] == "object"
    assert price["required"] == ["amount", "currency"]
    assert price["additionalProperties"] is False
    assert price["properties"]["amount"]["type"] == "string"
    assert price["properties"]["amount"]["example"] == "19.99"
    assert "USD" in price["properties"]["currency"]["enum"]
