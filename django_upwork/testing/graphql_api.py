"""Execution of GraphQL requests against `upwork.graphql`, with Upwork's error shapes.

Upwork runs graphql-java, so errors are rewritten from graphql-core's wording into
graphql-java's: `Validation error (FieldUndefined@[a/b/c]) : Field 'c' in type 'T' is undefined`
with `extensions.classification`. Validation and request errors come back with HTTP 200 and no
`data` key. The wording follows graphql-java for the common validation errors (undefined field,
missing or forbidden subselection, unknown or missing argument, unknown type, undefined or unused
variable); rarer ones keep graphql-core's sentence under graphql-java's classification.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

try:
    import graphql  # noqa: F401 - checked first for a clear error
except ImportError as err:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "The Upwork emulator needs graphql-core to validate queries. Install it with "
        "'pip install graphql-core' (the emulator extra of django-upwork)."
    ) from err

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLSyntaxError,
    Visitor,
    build_schema,
    default_field_resolver,
    execute,
    parse,
    specified_rules,
    validate,
    visit,
)

from .detail import OpeningNotFound, build_job_posting, is_numeric_id
from .search import PostingIndex, SearchError

SCHEMA_PATH = Path(__file__).with_name("upwork.graphql")

# The body Upwork sends for an unexpected server-side exception, with HTTP 500.
SERVER_EXCEPTION_BODY: dict[str, Any] = {"errors": [{"message": "Exception occurred"}]}


class GraphQLResponse(NamedTuple):
    status: int
    body: dict[str, Any]


@functools.lru_cache(maxsize=1)
def load_schema() -> GraphQLSchema:
    """Build the schema from `upwork.graphql` once per process."""
    return build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))


class GraphQLService:
    """Runs one GraphQL request against the postings in `index`."""

    def __init__(self, index: PostingIndex) -> None:
        self.index = index
        self.schema = load_schema()
        self.root_value = {
            "marketplaceJobPostingsSearch": self._resolve_search,
            "marketplaceJobPosting": self._resolve_job_posting,
        }

    def run(self, payload: Any) -> GraphQLResponse:
        """Execute a decoded request body `{query, variables, operationName}`."""
        if not isinstance(payload, Mapping) or not isinstance(payload.get("query"), str):
            return _request_error("Request body must be a JSON object with a 'query' string")
        variables = payload.get("variables")
        if variables is not None and not isinstance(variables, Mapping):
            return _request_error("'variables' must be a JSON object")
        operation_name = payload.get("operationName")
        if operation_name is not None and not isinstance(operation_name, str):
            return _request_error("'operationName' must be a string")

        query = payload["query"]
        document, errors = _checked_document(query)
        if document is None:
            return GraphQLResponse(200, {"errors": errors})

        result = execute(
            self.schema,
            document,
            root_value=self.root_value,
            variable_values=dict(variables) if variables else None,
            operation_name=operation_name,
            field_resolver=_resolve_field,
        )
        if not isinstance(result, ExecutionResult):  # pragma: no cover - no async resolvers
            raise TypeError("the emulator's resolvers are synchronous")
        return _execution_response(result)

    def _resolve_search(self, info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
        return self.index.search(
            arguments.get("marketPlaceJobFilter"), arguments.get("sortAttributes")
        )

    def _resolve_job_posting(self, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
        node = self.index.get(id) if is_numeric_id(id) else None
        if node is None:
            raise OpeningNotFound(id)
        return build_job_posting(node)


@functools.lru_cache(maxsize=256)
def _checked_document(query: str) -> tuple[DocumentNode | None, list[dict[str, Any]]]:
    """Parse and validate `query` once; return the document, or None and the errors.

    Clients send the same few queries again and again, so the result is cached by query text.
    Callers must not change the returned errors.
    """
    try:
        document = parse(query)
    except GraphQLSyntaxError as error:
        return None, [_syntax_error(error, query)]
    schema = load_schema()
    if validate(schema, document):
        return None, _validation_errors(schema, document)
    return document, []


def _resolve_field(source: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
    # A search node links to its full posting through `job`; the node dict has no such key.
    if info.parent_type.name == "MarketplaceJobPostingSearchResult" and info.field_name == "job":
        return build_job_posting(source) if isinstance(source, dict) else None
    return default_field_resolver(source, info, **arguments)


def _request_error(message: str) -> GraphQLResponse:
    return GraphQLResponse(400, {"errors": [{"message": message}]})


# ---------------------------------------------------------------------------------------------
# Execution results
# ---------------------------------------------------------------------------------------------


def _execution_response(result: ExecutionResult) -> GraphQLResponse:
    errors = result.errors or []
    originals = [error.original_error for error in errors]
    if any(isinstance(original, SearchError) for original in originals):
        return GraphQLResponse(
            500, {"errors": [dict(item) for item in SERVER_EXCEPTION_BODY["errors"]]}
        )
    for original in originals:
        if isinstance(original, OpeningNotFound):
            return GraphQLResponse(200, {"errors": [{"message": str(original)}], "data": None})

    if result.data is None and errors:
        # Variable coercion and operation selection fail before execution starts.
        return GraphQLResponse(200, {"errors": [_request_level_error(error) for error in errors]})

    body: dict[str, Any] = {}
    if errors:
        body["errors"] = [_data_fetching_error(error) for error in errors]
    body["data"] = result.data
    return GraphQLResponse(200, body)


# graphql-core 3.2 writes "got invalid value X; detail", 3.3 "has invalid value at .field: detail".
_VARIABLE_VALUE = re.compile(
    r"^Variable '\$(?P<name>\w+)' (?:got|has) invalid value(?P<detail>.*)$", re.S
)


def _request_level_error(error: GraphQLError) -> dict[str, Any]:
    message = _drop_suggestion(error.message)
    match = _VARIABLE_VALUE.match(message)
    if match:
        message = f"Variable '{match['name']}' has an invalid value{match['detail']}"
    return _with_locations({"message": message}, error) | {
        "extensions": {"classification": "ValidationError"}
    }


def _data_fetching_error(error: GraphQLError) -> dict[str, Any]:
    path = error.path or []
    rendered_path = "".join(f"[{part}]" if isinstance(part, int) else f"/{part}" for part in path)
    formatted: dict[str, Any] = {
        "message": f"Exception while fetching data ({rendered_path}) : {error.message}"
    }
    _with_locations(formatted, error)
    formatted["path"] = list(path)
    formatted["extensions"] = {"classification": "DataFetchingException"}
    return formatted


def _with_locations(formatted: dict[str, Any], error: GraphQLError) -> dict[str, Any]:
    if error.locations:
        formatted["locations"] = [
            {"line": location.line, "column": location.column} for location in error.locations
        ]
    return formatted


# ---------------------------------------------------------------------------------------------
# Syntax and validation errors in graphql-java's wording
# ---------------------------------------------------------------------------------------------

_TOKEN_AT = re.compile(r'[_A-Za-z][_0-9A-Za-z]*|-?\d+(?:\.\d+)?|"[^"\n]*"?|\.\.\.|\S')


def _syntax_error(error: GraphQLSyntaxError, query: str) -> dict[str, Any]:
    location = error.locations[0] if error.locations else None
    line = location.line if location else 1
    column = location.column if location else 1
    position = next(iter(error.positions)) if error.positions else len(query)
    match = _TOKEN_AT.match(query, position)
    token = match.group(0) if match else "<EOF>"
    return {
        "message": f"Invalid syntax with offending token '{token}' at line {line} column {column}",
        "locations": [{"line": line, "column": column}],
        "extensions": {"classification": "InvalidSyntax"},
    }


class _FieldPathRecorder(Visitor):
    """Record, for every AST node, the names of the fields enclosing it (itself included)."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: dict[int, list[str]] = {}

    def enter(self, node: Any, key: Any, parent: Any, path: Any, ancestors: Any) -> None:
        # `ancestors` stops above `parent`, which is the field itself for a selection set.
        chain = [*ancestors, parent]
        names = [ancestor.name.value for ancestor in chain if isinstance(ancestor, FieldNode)]
        if isinstance(node, FieldNode):
            names.append(node.name.value)
        self.paths[id(node)] = names


def _translate_fields_on_correct_type(message: str) -> tuple[str, str]:
    match = re.match(r"Cannot query field '(.+?)' on type '(.+?)'", message)
    if not match:
        return "FieldUndefined", message
    return "FieldUndefined", f"Field '{match[1]}' in type '{match[2]}' is undefined"


def _translate_scalar_leafs(message: str) -> tuple[str, str]:
    required = re.match(
        r"Field '(.+?)' of type '(.+?)' must have a selection of subfields", message
    )
    if required:
        return (
            "SubselectionRequired",
            f"Subselection required for type '{required[2]}' of field '{required[1]}'",
        )
    forbidden = re.match(r"Field '(.+?)' must not have a selection since type '(.+?)'", message)
    if forbidden:
        return (
            "SubselectionNotAllowed",
            f"Sub selection not allowed on leaf type '{forbidden[2]}' of field '{forbidden[1]}'",
        )
    return "SubselectionRequired", message


def _translate_known_argument_names(message: str) -> tuple[str, str]:
    match = re.match(r"Unknown argument '(.+?)' on field", message)
    if match:
        return "UnknownArgument", f"Unknown field argument '{match[1]}'"
    match = re.match(r"Unknown argument '(.+?)' on directive", message)
    if match:
        return "UnknownDirective", f"Unknown directive argument '{match[1]}'"
    return "UnknownArgument", message


def _translate_required_arguments(message: str) -> tuple[str, str]:
    # graphql-core 3.2: "Field 'f' argument 'a' of type ...", 3.3: "Argument 'T.f(a:)' of type ...".
    match = re.match(r"Field '.+?' argument '(.+?)' of type", message) or re.match(
        r"Argument '.+?\((\w+):\)' of type", message
    )
    if match:
        return "MissingFieldArgument", f"Missing field argument '{match[1]}'"
    return "MissingFieldArgument", message


def _translate_variable(kind: str, wording: str) -> Callable[[str], tuple[str, str]]:
    def translate(message: str) -> tuple[str, str]:
        match = re.match(r"Variable '\$(\w+)'", message)
        return kind, wording.format(match[1]) if match else message

    return translate


def _translate_variable_position(message: str) -> tuple[str, str]:
    match = re.match(
        r"Variable '\$\w+' of type '(.+?)' used in position expecting type '(.+?)'", message
    )
    if match:
        return (
            "VariableTypeMismatch",
            f"Variable type '{match[1]}' doesn't match expected type '{match[2]}'",
        )
    return "VariableTypeMismatch", message


def _translate_named(kind: str, pattern: str, wording: str) -> Callable[[str], tuple[str, str]]:
    def translate(message: str) -> tuple[str, str]:
        match = re.match(pattern, message)
        return kind, wording.format(match[1]) if match else message

    return translate


def _keep(kind: str) -> Callable[[str], tuple[str, str]]:
    return lambda message: (kind, message)


# graphql-core rule name -> function returning graphql-java's (error type, description).
_TRANSLATIONS: dict[str, Callable[[str], tuple[str, str]]] = {
    "FieldsOnCorrectTypeRule": _translate_fields_on_correct_type,
    "ScalarLeafsRule": _translate_scalar_leafs,
    "KnownArgumentNamesRule": _translate_known_argument_names,
    "ProvidedRequiredArgumentsRule": _translate_required_arguments,
    "KnownTypeNamesRule": _translate_named(
        "UnknownType", r"Unknown type '(.+?)'", "Unknown type '{}'"
    ),
    "NoUndefinedVariablesRule": _translate_variable("UndefinedVariable", "Undefined variable '{}'"),
    "NoUnusedVariablesRule": _translate_variable("UnusedVariable", "Unused variable '{}'"),
    "VariablesInAllowedPositionRule": _translate_variable_position,
    "KnownDirectivesRule": _translate_named(
        "UnknownDirective", r"Unknown directive '@?(.+?)'", "Unknown directive '{}'"
    ),
    "KnownFragmentNamesRule": _translate_named(
        "UndefinedFragment", r"Unknown fragment '(.+?)'", "Undefined fragment '{}'"
    ),
    "NoUnusedFragmentsRule": _translate_named(
        "UnusedFragment", r"Fragment '(.+?)' is never used", "Unused fragment '{}'"
    ),
    "ValuesOfCorrectTypeRule": _keep("WrongType"),
    "VariablesAreInputTypesRule": _keep("NonInputTypeOnVariable"),
    "OverlappingFieldsCanBeMergedRule": _keep("FieldsConflict"),
    "UniqueOperationNamesRule": _keep("DuplicateOperationName"),
    "LoneAnonymousOperationRule": _keep("LoneAnonymousOperationViolation"),
    "PossibleFragmentSpreadsRule": _keep("InvalidFragmentType"),
    "FragmentsOnCompositeTypesRule": _keep("FragmentTypeConditionInvalid"),
    "NoFragmentCyclesRule": _keep("FragmentCycle"),
    "KnownOperationTypesRule": _keep("UnknownOperation"),
    "ExecutableDefinitionsRule": _keep("NonExecutableDefinition"),
    "UniqueArgumentNamesRule": _keep("DuplicateArgumentNames"),
    "UniqueVariableNamesRule": _keep("DuplicateVariableName"),
    "UniqueFragmentNamesRule": _keep("DuplicateFragmentName"),
    "UniqueInputFieldNamesRule": _keep("DuplicateInputField"),
    "UniqueDirectivesPerLocationRule": _keep("DuplicateDirectiveName"),
}


def _drop_suggestion(message: str) -> str:
    """Remove graphql-core's "Did you mean ...?" hint and the final period."""
    message = re.sub(r"\s*Did you mean .*$", "", message, flags=re.S)
    return message.rstrip(".")


def _validation_errors(schema: GraphQLSchema, document: DocumentNode) -> list[dict[str, Any]]:
    """Run each validation rule on its own so every error can be named by its rule."""
    recorder = _FieldPathRecorder()
    visit(document, recorder)
    found: list[tuple[int, int, dict[str, Any]]] = []
    for rule in specified_rules:
        for error in validate(schema, document, rules=[rule]):
            translate = _TRANSLATIONS.get(rule.__name__, _keep(rule.__name__.removesuffix("Rule")))
            kind, description = translate(_drop_suggestion(error.message))
            path = recorder.paths.get(id(error.nodes[0]), []) if error.nodes else []
            where = f"@[{'/'.join(path)}]" if path else ""
            formatted = _with_locations(
                {"message": f"Validation error ({kind}{where}) : {description}"}, error
            )
            formatted["extensions"] = {"classification": "ValidationError"}
            first = error.locations[0] if error.locations else None
            found.append((first.line if first else 0, first.column if first else 0, formatted))
    # graphql-java reports errors in document order.
    found.sort(key=lambda item: (item[0], item[1]))
    return [formatted for _, _, formatted in found]
