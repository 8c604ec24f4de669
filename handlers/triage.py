"""研判, 上报 and 退回 under an issue card in a group.

The menu is a message replying to the card and edited in place at each step; every press is
checked again on the server (TriageFlows raises NotAllowed outside the holding group). Free text
(explanation, reason, note) comes as a reply to a ForceReply prompt, as privacy mode requires.
"""

from __future__ import annotations

from datetime import date

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, ForceReply, Message, User

from bot.config import Settings
from bot.domain.enums import ActorRole, LinkKind
from bot.domain.lifecycle import Action
from bot.i18n import Translate
from bot.issues.flows import LinkedIssue
from bot.issues.service import Actor
from bot.text import html
from bot.triage.deadlines import Deadline, DeadlineChoices
from bot.triage.flows import TriageFlows, TriageOptions
from bot.triage.workdays import add_working_days
from handlers import keyboards
from handlers.callbacks import CardAction, CardCb, PressOf, TriageCb, TriageStep
from handlers.errors import log_refused_message

GROUP_CHATS = {"group", "supergroup"}
PROMPT_KINDS = {LinkKind.EXPLAIN_PROMPT, LinkKind.ESCALATE_PROMPT, LinkKind.SEND_BACK_PROMPT}
PROMPTS = {
    # card action → (what the flow must allow, prompt kind, prompt text key)
    CardAction.ESCALATE: (Action.ESCALATE, LinkKind.ESCALATE_PROMPT, "escalate-prompt"),
    CardAction.SEND_BACK: (Action.SEND_BACK, LinkKind.SEND_BACK_PROMPT, "send-back-prompt"),
}

# A step that shows a deadline picker → the step of a choice on it (and of its 📅 指定日期 button).
DEADLINE_STEPS = {
    TriageStep.HANDLE: (TriageStep.HANDLE_DEADLINE, TriageStep.HANDLE_DATES),
    TriageStep.DEPARTMENT: (TriageStep.ASSIGN_DEADLINE, TriageStep.ASSIGN_DATES),
}
CALENDAR_STEPS = {
    TriageStep.HANDLE_DATES: TriageStep.HANDLE_DEADLINE,
    TriageStep.ASSIGN_DATES: TriageStep.ASSIGN_DEADLINE,
}


def _worker(user: object) -> Actor:
    return Actor(ActorRole.GRID, user.id, user.full_name)


def chosen(data: TriageCb) -> int | date:
    """The deadline a press carries: working days or a date (TriageCb lets through one of them)."""
    choice = data.day if data.day is not None else data.days
    assert choice is not None
    return choice


def offered_deadline(choice: int | date, options: TriageOptions) -> Deadline:
    """The deadline a press carries, if the menu offers it; forged data is refused (NotAllowed)."""
    deadline = Deadline(day=choice) if isinstance(choice, date) else Deadline(working_days=choice)
    return options.deadlines.check(deadline)


def _date_options(t: Translate, offered: DeadlineChoices) -> list[tuple[int | date, str]]:
    """The next working days as dates (weekends, holidays and 调休 already taken into account)."""
    return [
        (day, t("deadline-date", date=f"{day:%m-%d}", weekday=t(f"weekday-{day.isoweekday()}")))
        for day in offered.dates
    ]


def _deadline_options(t: Translate, offered: DeadlineChoices) -> list[tuple[int | date, str]]:
    options: list[tuple[int | date, str]] = []
    for n in offered.days:
        label = t("deadline-days", days=str(n), date=add_working_days(offered.today, n).strftime("%m-%d"))
        options.append((n, f"⭐ {label}" if n == offered.default_days else label))
    return options


async def triage_pressed(callback: CallbackQuery, callback_data: CardCb, t: Translate, triage: TriageFlows) -> None:
    message = callback.message
    assert isinstance(message, Message)
    options = await triage.options(
        issue_id=callback_data.issue_id, chat_id=message.chat.id, user_id=callback.from_user.id
    )
    await callback.answer()
    await message.reply(
        t("triage-menu", ref=options.ref), reply_markup=keyboards.triage_menu(t, callback_data.issue_id)
    )


async def _menu(callback: CallbackQuery, data: TriageCb, triage: TriageFlows) -> tuple[Message, TriageOptions]:
    """The menu's message and what it offers. Refuses anyone outside the holding group, or without a role there."""
    message = callback.message
    assert isinstance(message, Message)
    options = await triage.options(issue_id=data.issue_id, chat_id=message.chat.id, user_id=callback.from_user.id)
    return message, options


def _people(t: Translate, user: User, options: TriageOptions) -> list[tuple[int, str]]:
    """Who may be made responsible: the person choosing first, then the grid's other workers."""
    others = [(w.telegram_id, w.name) for w in options.workers if w.telegram_id != user.id]
    return [(user.id, t("triage-myself", name=user.full_name)), *others]


async def cancel_pressed(callback: CallbackQuery, callback_data: TriageCb, t: Translate, triage: TriageFlows) -> None:
    message, _ = await _menu(callback, callback_data, triage)
    await callback.answer()
    await message.edit_text(t("triage-cancelled"))


async def explain_chosen(callback: CallbackQuery, callback_data: TriageCb, t: Translate, triage: TriageFlows) -> None:
    """宣传解释: the explanation comes as a reply to a prompt (prompt_reply)."""
    message, options = await _menu(callback, callback_data, triage)
    await callback.answer()
    await _prompt(
        message, callback, t, triage, callback_data.issue_id, LinkKind.EXPLAIN_PROMPT, "explain-prompt", options.ref
    )
    await message.edit_text(t("triage-explain-asked", ref=options.ref))


async def deadlines_pressed(
    callback: CallbackQuery,
    callback_data: TriageCb,
    t: Translate,
    triage: TriageFlows,
) -> None:
    """立即办理, or 交办督办 to a department: choose a deadline in working days."""
    message, options = await _menu(callback, callback_data, triage)
    options.check_department(callback_data.department_id)
    chosen_step, dates_step = DEADLINE_STEPS[callback_data.step]
    choices = _deadline_options(t, options.deadlines)
    department = callback_data.department_id
    markup = keyboards.deadline_choices(t, callback_data.issue_id, choices, chosen_step, department, dates_step)
    await callback.answer()
    await message.edit_text(t("triage-choose-deadline", ref=options.ref), reply_markup=markup)


async def calendar_pressed(
    callback: CallbackQuery,
    callback_data: TriageCb,
    t: Translate,
    triage: TriageFlows,
) -> None:
    """📅 指定日期, for either disposition: choose a date among the next working days."""
    message, options = await _menu(callback, callback_data, triage)
    options.check_department(callback_data.department_id)
    chosen_step = CALENDAR_STEPS[callback_data.step]
    choices = _date_options(t, options.deadlines)
    department = callback_data.department_id
    markup = keyboards.deadline_choices(t, callback_data.issue_id, choices, chosen_step, department, columns=4)
    await callback.answer()
    await message.edit_text(t("triage-choose-date", ref=options.ref), reply_markup=markup)


async def handle_deadline_chosen(
    callback: CallbackQuery,
    callback_data: TriageCb,
    t: Translate,
    triage: TriageFlows,
) -> None:
    """立即办理 with a deadline: choose the responsible person."""
    message, options = await _menu(callback, callback_data, triage)
    offered_deadline(chosen(callback_data), options)
    people = _people(t, callback.from_user, options)
    markup = keyboards.person_choices(t, callback_data.issue_id, chosen(callback_data), people)
    await callback.answer()
    await message.edit_text(t("triage-choose-person", ref=options.ref), reply_markup=markup)


async def person_chosen(
    callback: CallbackQuery,
    callback_data: TriageCb,
    t: Translate,
    triage: TriageFlows,
) -> None:
    """立即办理 with a deadline and a responsible person: done."""
    message, options = await _menu(callback, callback_data, triage)
    deadline = offered_deadline(chosen(callback_data), options)
    assert callback_data.responsible_id is not None  # TriageCb requires it of this step
    summary = await triage.handle(
        issue_id=callback_data.issue_id,
        worker=_worker(callback.from_user),
        chat_id=message.chat.id,
        deadline=deadline,
        responsible_id=callback_data.responsible_id,
    )
    await callback.answer(t("triage-done", ref=summary.ref))
    await message.edit_text(t("triage-handled", ref=summary.ref))


async def assign_chosen(callback: CallbackQuery, callback_data: TriageCb, t: Translate, triage: TriageFlows) -> None:
    """交办督办: choose one of the acting grid's departments."""
    message, options = await _menu(callback, callback_data, triage)
    if not options.departments:
        await callback.answer(t("triage-no-departments"), show_alert=True)
        return
    markup = keyboards.department_choices(t, callback_data.issue_id, [(d.id, d.name) for d in options.departments])
    await callback.answer()
    await message.edit_text(t("triage-choose-department", ref=options.ref), reply_markup=markup)


async def assign_deadline_chosen(
    callback: CallbackQuery,
    callback_data: TriageCb,
    t: Translate,
    triage: TriageFlows,
) -> None:
    """交办督办 to a department with a deadline: done."""
    message, options = await _menu(callback, callback_data, triage)
    options.check_department(callback_data.department_id)
    deadline = offered_deadline(chosen(callback_data), options)
    assert callback_data.department_id is not None  # TriageCb requires it of this step
    summary = await triage.assign(
        issue_id=callback_data.issue_id,
        worker=_worker(callback.from_user),
        chat_id=message.chat.id,
        department_id=callback_data.department_id,
        deadline=deadline,
    )
    await callback.answer(t("triage-done", ref=summary.ref))
    await message.edit_text(t("triage-assigned", ref=summary.ref))


async def move_pressed(callback: CallbackQuery, callback_data: CardCb, t: Translate, triage: TriageFlows) -> None:
    """上报 / 退回: ask for the reason or note as a reply."""
    message = callback.message
    assert isinstance(message, Message)
    action, kind, key = PROMPTS[callback_data.action]
    options = await triage.options(
        issue_id=callback_data.issue_id, chat_id=message.chat.id, user_id=callback.from_user.id, action=action
    )
    await callback.answer()
    await _prompt(message, callback, t, triage, callback_data.issue_id, kind, key, options.ref)


async def _prompt(
    message: Message,
    callback: CallbackQuery,
    t: Translate,
    triage: TriageFlows,
    issue_id: int,
    kind: LinkKind,
    key: str,
    ref: str,
) -> None:
    user = callback.from_user
    prompt = await message.reply(
        t(key, ref=ref, user_id=str(user.id), name=html(user.full_name)),
        reply_markup=ForceReply(selective=True, input_field_placeholder=t("triage-placeholder")),
    )
    await triage.remember_prompt(
        chat_id=message.chat.id, message_id=prompt.message_id, issue_id=issue_id, user_id=user.id, kind=kind
    )


async def prompt_reply(
    message: Message, t: Translate, triage: TriageFlows, link: LinkedIssue, text: str | None
) -> None:
    """A reply to an explanation, escalation or send-back prompt (called from handlers.group)."""
    assert message.from_user is not None
    if link.user_id is not None and link.user_id != message.from_user.id:
        log_refused_message(message, f"the {link.kind.value} of issue {link.issue_id} is user {link.user_id}'s")
        await message.reply(t("triage-prompt-not-yours"))
        return
    if text is None:
        await message.reply(t("triage-need-text"))
        return
    worker = _worker(message.from_user)
    chat_id = message.chat.id
    if link.kind == LinkKind.EXPLAIN_PROMPT:
        summary = await triage.explain(issue_id=link.issue_id, worker=worker, chat_id=chat_id, text=text)
        await message.reply(t("triage-explained", ref=summary.ref))
    elif link.kind == LinkKind.ESCALATE_PROMPT:
        summary = await triage.escalate(issue_id=link.issue_id, actor=worker, chat_id=chat_id, reason=text)
        await message.reply(t("triage-escalated", ref=summary.ref))
    else:
        summary = await triage.send_back(issue_id=link.issue_id, actor=worker, chat_id=chat_id, note=text)
        await message.reply(t("triage-sent-back", ref=summary.ref))


async def bind_department(
    message: Message, command: CommandObject, t: Translate, settings: Settings, triage: TriageFlows
) -> None:
    """/binddept CODE: this group becomes the department's work group."""
    assert message.from_user is not None
    if not settings.is_admin(message.from_user.id):
        log_refused_message(message, "/binddept is for administrators")
        await message.reply(t("bind-admins-only"))
        return
    code = (command.args or "").strip()
    name = await triage.bind_department(chat_id=message.chat.id, code=code) if code else None
    await message.reply(t("binddept-done", department=html(name)) if name else t("binddept-usage"))


# -- a department's liaison, in a private chat --------------------------------------------------


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(PressOf(CardCb, TriageCb))
    router.message.filter(F.chat.type.in_(GROUP_CHATS))
    router.callback_query.filter(F.message.chat.type.in_(GROUP_CHATS))
    router.callback_query.register(triage_pressed, CardCb.filter(F.action == CardAction.TRIAGE))
    router.callback_query.register(move_pressed, CardCb.filter(F.action.in_(set(PROMPTS))))
    steps = router.callback_query
    steps.register(explain_chosen, TriageCb.filter(F.step == TriageStep.EXPLAIN))
    steps.register(deadlines_pressed, TriageCb.filter(F.step.in_(set(DEADLINE_STEPS))))
    steps.register(calendar_pressed, TriageCb.filter(F.step.in_(set(CALENDAR_STEPS))))
    steps.register(handle_deadline_chosen, TriageCb.filter(F.step == TriageStep.HANDLE_DEADLINE))
    steps.register(person_chosen, TriageCb.filter(F.step == TriageStep.PERSON))
    steps.register(assign_chosen, TriageCb.filter(F.step == TriageStep.ASSIGN))
    steps.register(assign_deadline_chosen, TriageCb.filter(F.step == TriageStep.ASSIGN_DEADLINE))
    steps.register(cancel_pressed, TriageCb.filter(F.step == TriageStep.CANCEL))
    router.message.register(bind_department, Command("binddept"))
    return router
