# A citizen's contact details outside their own report: erased (/privacy), or asked for (转为诉求).
dep-citizen-gone = This citizen has erased their personal data and can no longer be reached; your answer was not sent.
contact-ask =
    Deputy { $deputy } has made your message issue { $ref } and handed it to the grid.
    May the grid's staff see your name and phone number, to contact you? If not, it is handled all the same.
btn-contact-share = ✅ Share them
btn-contact-keep = 🙈 Keep them hidden
contact-shared = ✅ The grid now sees your name and phone number for issue { $ref }.
contact-kept = Fine: the grid's group will not see your name or phone number; issue { $ref } is handled all the same.
contact-shared-group = 📇 The citizen of issue { $ref } agreed to share their contact details: the name is on the timeline, the phone on the card (masked; the responsible person may see it in full).
