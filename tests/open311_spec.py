"""A small validator of GeoReport v2 JSON (wiki.open311.org/GeoReport_v2): each object must carry
exactly the spec's fields, each of the spec's type. Written from the spec, not from our code, so a
field we drop, add or mistype fails the test that reads it."""

from __future__ import annotations

import re
from typing import Any

# W3C datetime as the spec shows it: 2010-04-14T06:37:38-08:00 (Z allowed).
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

STR, NUM, BOOL, W3C_DT, LIST = "string", "number", "boolean", "datetime", "list"

SERVICE = {
    "service_code": (STR, False),
    "service_name": (STR, False),
    "description": (STR, True),
    "metadata": (BOOL, False),
    "type": (STR, False),
    "keywords": (STR, True),
    "group": (STR, True),
}
ATTRIBUTE = {
    "variable": (BOOL, False),
    "code": (STR, False),
    "datatype": (STR, False),
    "required": (BOOL, False),
    "datatype_description": (STR, True),
    "order": (NUM, False),
    "description": (STR, False),
    "values": (LIST, True),
}
REQUEST = {
    "service_request_id": (STR, False),
    "status": (STR, False),
    "status_notes": (STR, True),
    "service_name": (STR, True),
    "service_code": (STR, True),
    "description": (STR, True),
    "agency_responsible": (STR, True),
    "service_notice": (STR, True),
    "requested_datetime": (W3C_DT, False),
    "updated_datetime": (W3C_DT, True),
    "expected_datetime": (W3C_DT, True),
    "address": (STR, True),
    "address_id": (STR, True),
    "zipcode": (STR, True),
    "lat": (NUM, True),
    "long": (NUM, True),
    "media_url": (STR, True),
}
CREATED = {
    "service_request_id": (STR, True),
    "token": (STR, True),
    "service_notice": (STR, True),
    "account_id": (STR, True),
}
ERROR = {"code": (NUM, False), "description": (STR, False)}
# Service discovery (wiki.open311.org/Service_Discovery): the document, and each endpoint in it.
DISCOVERY = {
    "changeset": (STR, False),
    "contact": (STR, False),
    "key_service": (STR, False),
    "endpoints": (LIST, False),
}
ENDPOINT = {
    "specification": (STR, False),
    "url": (STR, False),
    "changeset": (STR, False),
    "type": (STR, False),
    "formats": (LIST, False),
}
GEOREPORT_V2 = "http://wiki.open311.org/GeoReport_v2"
FORMATS = {"text/xml", "application/json"}
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


class SpecError(AssertionError):
    pass


def _check_value(where: str, value: Any, kind: str, nullable: bool) -> None:
    if value is None:
        if not nullable:
            raise SpecError(f"{where} may not be null")
        return
    ok = {
        STR: isinstance(value, str),
        NUM: isinstance(value, int | float) and not isinstance(value, bool),
        BOOL: isinstance(value, bool),
        W3C_DT: isinstance(value, str) and bool(W3C.match(value)),
        LIST: isinstance(value, list),
    }[kind]
    if not ok:
        raise SpecError(f"{where} is not a {kind}: {value!r}")


def check_object(
    name: str, obj: Any, fields: dict[str, tuple[str, bool]], *, optional: frozenset[str] | set[str] = frozenset()
) -> None:
    if not isinstance(obj, dict):
        raise SpecError(f"{name} is not an object: {obj!r}")
    missing = set(fields) - set(obj) - optional
    extra = set(obj) - set(fields)
    if missing or extra:
        raise SpecError(f"{name}: missing {sorted(missing)}, not in the spec {sorted(extra)}")
    for field, (kind, nullable) in fields.items():
        if field in obj:
            _check_value(f"{name}.{field}", obj[field], kind, nullable)


def _list(name: str, body: Any) -> list[Any]:
    if not isinstance(body, list):
        raise SpecError(f"{name} is not a list: {body!r}")
    return body


def services(body: Any) -> None:
    for index, service in enumerate(_list("services", body)):
        check_object(f"services[{index}]", service, SERVICE)
        if service["type"] not in {"realtime", "batch", "blackbox"}:
            raise SpecError(f"services[{index}].type is {service['type']!r}")


def definition(body: Any) -> None:
    check_object("definition", body, {"service_code": (STR, False), "attributes": (LIST, False)})
    for index, attribute in enumerate(body["attributes"]):
        check_object(f"attributes[{index}]", attribute, ATTRIBUTE, optional={"values"})
        if attribute["datatype"] not in DATATYPES:
            raise SpecError(f"attributes[{index}].datatype is {attribute['datatype']!r}")
        if attribute["datatype"].endswith("valuelist"):
            for value in _list(f"attributes[{index}].values", attribute.get("values")):
                check_object(f"attributes[{index}].values[]", value, {"key": (STR, False), "name": (STR, False)})


def requests(body: Any) -> None:
    for index, request in enumerate(_list("requests", body)):
        check_object(f"requests[{index}]", request, REQUEST)
        if request["status"] not in {"open", "closed"}:
            raise SpecError(f"requests[{index}].status is {request['status']!r}")


def created(body: Any) -> None:
    items = _list("created", body)
    if len(items) != 1:
        raise SpecError(f"a POST answers one item, not {len(items)}")
    check_object("created", items[0], CREATED, optional={"token", "account_id"})
    if not items[0].get("service_request_id") and not items[0].get("token"):
        raise SpecError("a POST answers a service_request_id or a token")


def error(body: Any, code: int) -> None:
    items = _list("errors", body)
    if not items:
        raise SpecError("an empty error list")
    for item in items:
        check_object("error", item, ERROR)
    if items[0]["code"] != code:
        raise SpecError(f"error code {items[0]['code']}, expected {code}")


def discovery(body: Any) -> None:
    check_object("discovery", body, DISCOVERY)
    endpoints = _list("discovery.endpoints", body["endpoints"])
    if not endpoints:
        raise SpecError("discovery lists no endpoint")
    for index, endpoint in enumerate(endpoints):
        where = f"endpoints[{index}]"
        check_object(where, endpoint, ENDPOINT)
        if endpoint["type"] not in {"production", "test"}:
            raise SpecError(f"{where}.type is {endpoint['type']!r}")
        if not re.match(r"^https?://[^/\s]+", endpoint["url"]):
            raise SpecError(f"{where}.url is not an absolute http(s) address: {endpoint['url']!r}")
        formats = _list(f"{where}.formats", endpoint["formats"])
        if not formats or not set(formats) <= FORMATS:
            raise SpecError(f"{where}.formats is {formats!r}")
