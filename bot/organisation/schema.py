"""The organisation file (YAML), validated before anything is written."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.domain.enums import GridLevel, StaffRole
from bot.i18n import Explained

# The order a grid's children must follow: county → township/street → village/community.
CHILD_LEVEL = {GridLevel.COUNTY: GridLevel.TOWNSHIP, GridLevel.TOWNSHIP: GridLevel.VILLAGE}

DEFAULT_CATEGORIES = [
    ("dispute", "矛盾纠纷", "邻里、家庭、土地等矛盾纠纷的调解"),
    ("environment", "环境卫生", "垃圾清运、污水、噪音、卫生死角"),
    ("traffic", "道路交通", "道路破损、路灯、交通安全隐患"),
    ("utilities", "水电气暖", "停水停电、燃气、供暖问题"),
    ("social_security", "社会保障", "低保、医保、养老、救助政策咨询"),
    ("public_safety", "公共安全", "安全隐患、防汛防灾、反诈宣传"),
    ("education_health", "教育医疗", "入学、就医、疫苗接种"),
    ("housing", "住房物业", "房屋安全、物业服务、危房改造"),
    ("legal", "法律咨询", "法律援助与咨询"),
    ("other", "其他", "其他诉求与建议"),
]


def _by_invitation(field: str, value: object) -> None:
    """Roles are granted only by one-time invitation links, never by a file anyone could edit."""
    if value is not None:
        raise ValueError(
            f"{field}: Telegram accounts are not listed in the organisation file; give each person an "
            "invitation link instead (gridline invite worker|official|liaison|deputy TARGET --bot NAME)"
        )
    return None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class GridSpec(_Strict):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=100)
    level: GridLevel
    children: list[GridSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _children_one_level_down(self) -> GridSpec:
        expected = CHILD_LEVEL.get(self.level)
        for child in self.children:
            if child.level != expected:
                raise ValueError(f"grid {child.code}: a {self.level} grid can only hold {expected or 'no'} grids")
        return self

    def walk(self) -> list[tuple[GridSpec, GridSpec | None]]:
        """Every grid with its parent, parents first."""
        out: list[tuple[GridSpec, GridSpec | None]] = [(self, None)]
        for child in self.children:
            for grid, parent in child.walk():
                out.append((grid, parent or self))
        return out


class CategorySpec(_Strict):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=50)
    description: str = ""
    deadline_days: int | None = Field(default=None, ge=1, le=60)  # default 办理时限, working days


class DepartmentSpec(_Strict):
    """A 职能部门 of a township/street or of the county."""

    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=100)
    grid: str  # the township or county grid it belongs to
    chat_id: int | None = None  # its Telegram group (or bind one later with /binddept CODE)
    liaisons: None = None  # liaison accounts come only through invitations

    @field_validator("liaisons", mode="before")
    @classmethod
    def _no_accounts(cls, value: object) -> None:
        return _by_invitation("liaisons", value)


class StaffSpec(_Strict):
    name: str = Field(min_length=1, max_length=100)
    grid: str
    role: StaffRole = StaffRole.WORKER
    phone: str | None = None
    telegram_id: None = None  # accounts come only through invitations

    @field_validator("telegram_id", mode="before")
    @classmethod
    def _no_accounts(cls, value: object) -> None:
        return _by_invitation("telegram_id", value)


class StationSpec(_Strict):
    """代表联络站."""

    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=100)
    duty_day: int | None = Field(default=None, ge=1, le=31)


class DeputySpec(_Strict):
    """人大代表: constituency (选区) is one or more grid codes."""

    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=100)
    level: str = Field(min_length=1, max_length=20)
    station: str | None = None
    constituency: list[str] = Field(min_length=1)
    duty_day: int | None = Field(default=None, ge=1, le=31)
    phone: str | None = None


class OrganisationFile(_Strict):
    grids: list[GridSpec] = Field(min_length=1)
    categories: list[CategorySpec] = Field(
        default_factory=lambda: [CategorySpec(code=c, name=n, description=d) for c, n, d in DEFAULT_CATEGORIES]
    )
    staff: list[StaffSpec] = Field(default_factory=list)
    stations: list[StationSpec] = Field(default_factory=list)
    deputies: list[DeputySpec] = Field(default_factory=list)
    departments: list[DepartmentSpec] = Field(default_factory=list)

    @field_validator("categories")
    @classmethod
    def _unique_categories(cls, value: list[CategorySpec]) -> list[CategorySpec]:
        codes = [c.code for c in value]
        if len(codes) != len(set(codes)):
            raise ValueError("category codes must be unique")
        return value

    @model_validator(mode="after")
    def _references(self) -> OrganisationFile:
        codes = [grid.code for root in self.grids for grid, _ in root.walk()]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValueError(f"grid codes used twice: {', '.join(duplicates)}")
        unknown = sorted({s.grid for s in self.staff} - set(codes))
        if unknown:
            raise ValueError(f"staff refer to unknown grids: {', '.join(unknown)}")
        unknown = sorted({code for d in self.deputies for code in d.constituency} - set(codes))
        if unknown:
            raise ValueError(f"deputies refer to unknown grids: {', '.join(unknown)}")
        stations = {s.code for s in self.stations}
        unknown = sorted({d.station for d in self.deputies if d.station} - stations)
        if unknown:
            raise ValueError(f"deputies refer to unknown stations: {', '.join(unknown)}")
        for label, items in (("station", [s.code for s in self.stations]), ("deputy", [d.code for d in self.deputies])):
            if len(items) != len(set(items)):
                raise ValueError(f"{label} codes must be unique")
        levels = {grid.code: grid.level for root in self.grids for grid, _ in root.walk()}
        for department in self.departments:
            if levels.get(department.grid) not in (GridLevel.TOWNSHIP, GridLevel.COUNTY):
                raise ValueError(
                    f"department {department.code}: grid {department.grid} is not a township or county grid"
                )
        department_codes = [d.code for d in self.departments]
        if len(department_codes) != len(set(department_codes)):
            raise ValueError("department codes must be unique")
        return self

    @classmethod
    def load(cls, path: Path) -> OrganisationFile:
        """Raises OrganisationFileError (a ValueError) naming the file and, for bad YAML, the line."""
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise _yaml_problem(path, error) from None
        except (OSError, UnicodeDecodeError) as error:
            raise OrganisationFileError(key="cli-org-unreadable", path=str(path), reason=str(error)) from None
        return cls.model_validate(raw or {})


class OrganisationFileError(Explained, ValueError):
    pass


def invalid_file(path: Path, error: ValidationError) -> OrganisationFileError:
    """A file that is YAML but not an organisation: each problem on a line, with where it is."""
    lines = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"])
        message = str(problem["msg"]).removeprefix("Value error, ")
        lines.append(f"{path}: {where + ': ' if where else ''}{message}")
    return OrganisationFileError(key="cli-org-invalid", lines="\n".join(lines))


def _yaml_problem(path: Path, error: yaml.YAMLError) -> OrganisationFileError:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    if mark is None:
        return OrganisationFileError(key="cli-org-not-yaml", path=str(path), problem=problem)
    return OrganisationFileError(
        key="cli-org-not-yaml-at", path=str(path), line=str(mark.line + 1), column=str(mark.column + 1), problem=problem
    )
