"""How a step is declared: one class that names itself, its version and its options.

    @register
    @dataclass(frozen=True)
    class DedupeCaptions(Cleaner):
        name = "dedupe_captions"
        version = 1
        dedupe_window: int = option(3, "non-blank lines to look back for a repeat", minimum=1)

        def find(self, text: str, ctx: Context) -> list[Span]: ...

`name` is the key in the config's `order`, `enable` and `disable`, and in the
registry; `name/v<version>` labels every edit the step makes and goes into the run
fingerprint, so bump the version when the step's behaviour changes on purpose.
Options are the dataclass fields made with `option()`: each field's name is its key
in the config's ``[cleaners]`` table, checked against the bounds given here.

A `Cleaner` finds spans, each with a rule and a reason; the pipeline applies them
(`edits.apply`), so no step edits text itself. A `Detector` removes nothing: it
tells the pipeline which language the document is in.
"""

from __future__ import annotations

import math
from dataclasses import MISSING, Field, dataclass, field, fields, is_dataclass
from typing import Any, ClassVar, Protocol, Self, TypeVar

from .context import Context
from .errors import ConfigError
from .language.detect import Language
from .model import Span

Number = int | float
INT_MAXIMUM = 1_000_000
"""The largest value an integer option takes unless it declares its own: windows and counts
beyond it are mistakes, and far beyond it they overflow (`deque(maxlen=10**19)`)."""
N = TypeVar("N", int, float)
_OPTION = "boilerstrip.option"


@dataclass(frozen=True, slots=True)
class Option:
    """One setting: its config key, default, meaning and allowed values."""

    name: str
    default: Number
    doc: str
    minimum: Number | None = None
    """Integers: the smallest allowed value."""
    above: Number | None = None
    """Numbers: the value must be greater than this..."""
    maximum: Number | None = None
    """... and at most this."""
    unit: str = ""

    def check(self, value: object, where: str) -> Number:
        """The value to use, or a ConfigError naming `where`, the key and what it takes."""
        number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
        if isinstance(self.default, int):
            top = self.maximum if self.maximum is not None else INT_MAXIMUM
            if not isinstance(number, int) or (self.minimum is not None and number < self.minimum) or number > top:
                raise ConfigError(
                    f"{where}: {self.name} must be an integer >= {self.minimum} and <= {top}, not {value!r}"
                )
            return number
        if (
            number is None
            or not math.isfinite(number)
            or (self.above is not None and number <= self.above)
            or (self.maximum is not None and number > self.maximum)
        ):
            raise ConfigError(f"{where}: {self.name} must be {self.allowed()}, not {value!r}")
        return float(number)

    def allowed(self) -> str:
        if self.unit:
            return f"a positive number of {self.unit}" + (f" (at most {self.maximum:g})" if self.maximum else "")
        if self.maximum is not None:
            return f"in ({self.above:g}, {self.maximum:g}]"
        return "a positive number" + (f" of {self.unit}" if self.unit else "")


def option(
    default: N,
    doc: str,
    *,
    minimum: Number | None = None,
    above: Number | None = None,
    maximum: Number | None = None,
    unit: str = "",
) -> N:
    """A step's option, declared as a dataclass field: `window: int = option(3, "...", minimum=1)`."""
    spec = {"doc": doc, "minimum": minimum, "above": above, "maximum": maximum, "unit": unit}
    made: N = field(default=default, metadata={_OPTION: spec})
    return made


def options_of(cls: type) -> tuple[Option, ...]:
    """The options a dataclass declares with `option()`, in declaration order."""
    found = _declared.get(cls)
    if found is None:
        found = _declared[cls] = (
            tuple(_option(f) for f in fields(cls) if _OPTION in f.metadata) if is_dataclass(cls) else ()
        )
    return found


_declared: dict[type, tuple[Option, ...]] = {}


def _option(f: Field[Any]) -> Option:
    assert f.default is not MISSING
    return Option(f.name, f.default, **f.metadata[_OPTION])


class OptionSource(Protocol):
    """Where configured steps get their option values (a `Config`)."""

    def option(self, name: str) -> Number: ...


class Step:
    """A registered step of the pipeline."""

    name: ClassVar[str]
    version: ClassVar[int]
    label: ClassVar[str]
    """`name/v<version>`, set by `register`: what edits and the fingerprint carry."""
    opt_in: ClassVar[bool] = False
    """Not in the default order; the config's `enable` puts it in its place."""

    @classmethod
    def options(cls) -> tuple[Option, ...]:
        return options_of(cls)

    @classmethod
    def configured(cls, config: OptionSource) -> Self:
        """The step with the config's values for its options."""
        return cls(**{o.name: config.option(o.name) for o in cls.options()})


class Cleaner(Step):
    """A step that finds what to remove or repair; it never edits the text itself."""

    tidies: ClassVar[bool] = False
    """Runs once more when a last look changed the text (normalize_whitespace)."""

    def find(self, text: str, ctx: Context) -> list[Span]:
        """Spans of `text` to replace, each with its rule and reason."""
        raise NotImplementedError

    def last_look(self, text: str, ctx: Context, left: list[str]) -> list[Span]:
        """After every step ran: what to repair in `text` that this step could not see
        before. `left` holds the text as this step left it, once per run. Most steps
        have nothing to add."""
        return []


class Detector(Step):
    """A step that removes nothing and says which language the document is in."""

    def detect(self, text: str, ctx: Context) -> Language:
        raise NotImplementedError


REGISTRY: dict[str, type[Step]] = {}
"""Every step by name, filled as `cleaners.steps` imports the step modules."""

S = TypeVar("S", bound=type[Step])


def register(cls: S) -> S:
    """Add a step class to the registry, under its own name."""
    name, version = cls.__dict__.get("name"), cls.__dict__.get("version")
    if not isinstance(name, str) or not isinstance(version, int) or version < 1:
        raise TypeError(f"{cls.__qualname__}: a step declares name = '...' and version = <n >= 1>")
    if name in REGISTRY:
        raise TypeError(f"{cls.__qualname__}: a step named {name!r} is already registered")
    taken = {o.name: other for other in REGISTRY.values() for o in other.options()}
    for o in cls.options():
        if o.name in taken:
            raise TypeError(f"{cls.__qualname__}: option {o.name!r} is already an option of {taken[o.name].name}")
    cls.label = f"{name}/v{version}"
    REGISTRY[name] = cls
    return cls
