event-phone-viewed = { $time } · { $who } viewed the citizen's full phone number
btn-reveal-phone = 📞 Full phone number (responsible person only)
privacy-phone = Issue { $ref }, citizen's phone: { $phone }
    (only you see this; the access is recorded on the issue's timeline)
privacy-no-phone = The citizen of issue { $ref } left no phone number.
btn-anonymous-off = 🙈 Anonymous: no
btn-anonymous-on = 🙈 Anonymous: yes
review-anonymous = Anonymous: the grid's work group will not see your name.
privacy-intro =
    🔒 <b>Personal data</b>
    We keep: your Telegram name, language, phone number, the grid you last chose, the issues and replies you sent, and your messages to deputies.
    The grid's work group sees your phone masked; the full number is shown only to the responsible person on request, and that is recorded.
    Under China's Personal Information Protection Law you may download your data or erase it (your issues stay, anonymised, for the statistics).
btn-privacy-export = 📥 Download my data
btn-privacy-erase = 🗑 Erase my personal data
btn-privacy-erase-confirm = ⚠️ Yes, erase it
privacy-export-caption = All the data we hold about you (JSON).
privacy-erase-ask = Erase your personal data? Your name, phone, location and the photos and voice messages you sent will be deleted; your { $count } issues stay, anonymised, and you will get no more progress messages about them. This cannot be undone.
privacy-erased = ✅ Your personal data is erased. { $count } issues are kept, anonymised, for the statistics. Send /start to use the bot again.
