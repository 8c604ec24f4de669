"""The sandbox played in a real browser (system Chromium): the whole 三单 loop through the page,
and the duty day reached with the time control. Screenshots of the citizen's and the group's chat
are kept in the test's folder, and in SANDBOX_SCREENSHOTS (a folder) when set: docs/ holds them."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.app import Sandbox
from tests.browser import launch, needs_chromium

pytestmark = needs_chromium
WAIT_MS = 20_000


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    box = Sandbox(port=0)
    await box.start()
    try:
        yield box
    finally:
        await box.stop()


@pytest.fixture
async def page(sandbox: Sandbox) -> AsyncIterator[Any]:
    async for browser in launch():
        context = await browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
        tab = await context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda error, seen=errors: seen.append(str(error)))
        await tab.goto(sandbox.url)
        await tab.wait_for_selector("body[data-ready='1']")
        yield tab
        assert errors == [], errors  # no script error on the page, ever
        await context.close()


def photo(path: Path) -> Path:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (200, 60, 50)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


async def open_chat(page: Any, title: str) -> None:
    await page.get_by_test_id(f"chat-{title}").click()
    await page.wait_for_function("t => document.getElementById('chat-title').textContent === t", arg=title)


def bot_message(page: Any, text: str) -> Any:
    """The last message from the bot whose own text (not a quote of another) shows `text`."""
    return page.locator("#messages .message[data-from='bot']").filter(has=page.locator(".text", has_text=text)).last


async def shown(page: Any, text: str) -> Any:
    message = bot_message(page, text)
    await message.wait_for(timeout=WAIT_MS)
    return message


async def press(page: Any, message: Any, label: str) -> None:
    await message.locator(".inline-keyboard button", has_text=label).click()


async def say(page: Any, text: str) -> None:
    await page.locator("#text-input").fill(text)
    await page.locator("#text-input").press("Enter")
    await page.locator("#messages .message[data-from='user']", has_text=text).last.wait_for(timeout=WAIT_MS)


async def keep(page: Any, name: str, folder: Path) -> None:
    path = folder / name
    await page.locator("#toast").wait_for(state="hidden")
    await page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000
    wanted = os.environ.get("SANDBOX_SCREENSHOTS")
    if wanted:
        shutil.copy(path, Path(wanted) / name)


async def test_the_whole_loop_through_the_page(page: Any, tmp_path: Path) -> None:
    # 张三 reports through the menu, with a photo and his phone from the contact button.
    await open_chat(page, "张三")
    await page.locator("#messages .command", has_text="/start").click()
    await press(page, await shown(page, "民情直通车"), "反映问题")
    await press(page, await shown(page, "乡镇"), "葛城街道")
    await press(page, await shown(page, "村（社区）"), "南大街社区")
    await press(page, await shown(page, "类别"), "环境卫生")
    await shown(page, "描述问题")
    await say(page, "小区门口的垃圾三天没人清运了")
    await shown(page, "文字已记录")
    await page.locator("#photo-input").set_input_files(str(photo(tmp_path / "rubbish.png")))
    await press(page, await shown(page, "第 1 张照片"), "下一步")
    await shown(page, "联系电话")
    await page.locator("#reply-keyboard button", has_text="分享我的手机号").click()
    await press(page, await shown(page, "请核对"), "确认提交")
    submitted = await shown(page, "提交成功")
    ref = (await submitted.inner_text()).split("：")[1].split()[0]
    assert ref.startswith("GL-")
    own_photo = page.locator("#messages .message[data-from='user'] img.photo").first
    assert await own_photo.evaluate("img => img.complete && img.naturalWidth") == 320

    # The card arrives in the grid's group, its photo under it; 王芳 claims it and replies to it.
    await open_chat(page, "南大街社区网格群")
    card = await shown(page, "新诉求")
    assert ref in await card.inner_text() and "138****1111" in await card.inner_text()
    relayed_photo = page.locator("#messages .message[data-from='bot'] img.photo").last
    await relayed_photo.wait_for(timeout=WAIT_MS)
    assert await relayed_photo.evaluate("img => img.complete && img.naturalWidth") == 320
    await press(page, card, "认领")
    claimed = await shown(page, "办理中")
    assert "王芳" in await claimed.inner_text()
    await claimed.locator(".reply-button").click()
    await say(page, "明天上午安排清运车过来")
    await shown(page, "已转达")

    # 张三 sees the reply and answers it.
    await open_chat(page, "张三")
    answer = await shown(page, "明天上午安排清运车过来")
    await answer.locator(".reply-button").click()
    await say(page, "好的，谢谢，门口还有建筑垃圾")
    await shown(page, "已转给网格")

    # Back in the group: the answer sits under the card; 办结 asks for a note, as a reply.
    await open_chat(page, "南大街社区网格群")
    back = await shown(page, "建筑垃圾")
    assert ref in await back.locator(".quote").inner_text()
    await press(page, bot_message(page, "办理中"), "办结")
    await shown(page, "办结说明")
    await page.locator("#reply-bar:not([hidden])").wait_for(timeout=WAIT_MS)  # the prompt is answered by reply
    await say(page, "已全部清运完毕")

    # 张三 rates 不满意 with a reason: the issue reopens.
    await open_chat(page, "张三")
    rate = await shown(page, "已全部清运完毕")
    await press(page, rate, "不满意")
    await shown(page, "哪里没有解决好")
    await say(page, "门口的建筑垃圾还在")
    await shown(page, "已记录您对")
    await keep(page, "sandbox-citizen.png", tmp_path)

    await open_chat(page, "南大街社区网格群")
    reopened = await shown(page, "重新办理")
    text = await reopened.inner_text()
    assert ref in text and "门口的建筑垃圾还在" in text
    assert await reopened.locator(".inline-keyboard button", has_text="认领").count() == 1
    await keep(page, "sandbox-group.png", tmp_path)


async def test_jumping_to_the_duty_day_brings_the_deputy_his_reminder(
    page: Any, sandbox: Sandbox, tmp_path: Path
) -> None:
    await open_chat(page, "张建国 代表")
    assert await page.locator("#messages .message").count() == 0
    preset = page.locator("#clock-presets button", has_text="集中履职日")
    target = await preset.get_attribute("data-to")
    await preset.click()
    await page.get_by_test_id("clock-log").filter(has_text="duty-day").wait_for(timeout=WAIT_MS)
    reminder = await shown(page, "集中履职日")
    text = await reminder.inner_text()
    assert "张建国代表" in text and "南大街社区" in text
    assert await reminder.locator(".inline-keyboard button").count() >= 1  # the visit button
    assert target is not None and target.startswith(
        sandbox.clock.now().astimezone(sandbox.settings.tz).strftime("%Y-%m-%dT08:30")
    )
    # The clock only goes forward: the same moment again is refused politely.
    await page.evaluate(
        "to => fetch('/api/clock', {method: 'POST', headers: {'X-Sandbox': '1', 'Content-Type': "
        "'application/json'}, body: JSON.stringify({to})}).then(r => r.status)",
        target,
    )
    assert (await page.get_by_test_id("clock-now").inner_text()).endswith("08:30")
    await keep(page, "sandbox-deputy.png", tmp_path)

    # The language switch: the page in English, its texts and the server's answers alike.
    assert await page.evaluate("document.documentElement.lang") == "zh-CN"
    await page.locator("#languages a", has_text="English").click()
    await page.wait_for_url("**/?lang=en")
    await page.wait_for_selector("body[data-ready='1']")
    assert await page.evaluate("[document.documentElement.lang, document.title]") == ["en", "Gridline · sandbox"]
    assert await page.locator("#text-input").get_attribute("placeholder") == "Type a message, or /start"
    assert await page.locator("#chat-title").inner_text() == "Choose a chat on the left"
    assert await page.locator(".chat-section").all_inner_texts() == [
        "Citizens",
        "Grid work groups",
        "Departments",
        "People's Congress deputies",
        "Administrator",
    ]
    assert await page.locator("#clock-presets button", has_text="Duty day").count() == 1
    await open_chat(page, "张建国 代表")
    assert await page.locator("#chat-subtitle").inner_text() == "County deputy · 南大街社区, 东大街社区"
    assert await page.locator("#send-button").inner_text() == "Send"
    assert await (await shown(page, "集中履职日")).locator(".reply-button").inner_text() == "Reply"
    await page.locator("#clock-form button[type='submit']", has_text="Jump").click()  # to the time it is now
    await page.locator("#toast", has_text="The clock only moves forward").wait_for(timeout=WAIT_MS)
    assert await page.locator("#languages a[aria-current='page']").inner_text() == "English"


async def test_formatting_is_rendered_and_markup_in_text_is_not(page: Any) -> None:
    await open_chat(page, "张三")
    await say(page, "/start")
    welcome = await shown(page, "民情直通车")
    assert await welcome.locator(".text b").first.inner_text() == "民情直通车"  # Telegram's bold entity
    attack = '<img src=x onerror="window.pwned=1"><b>粗体</b>'
    await say(page, attack)
    mine = page.locator("#messages .message[data-from='user']").last
    assert await mine.locator(".text").inner_text() == attack  # shown as typed, never parsed
    assert await mine.locator("img, b").count() == 0
    assert await page.evaluate("() => window.pwned === undefined")
