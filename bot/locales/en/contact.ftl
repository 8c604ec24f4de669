# A citizen's contact details outside their own report: erased (/privacy), or asked for (转为诉求).
dep-citizen-gone = This citizen has erased their personal data and can no longer be reached; your answer was not sent.
