"""C-PII in logs: resident ID numbers and mobiles inside free text, masked as in lists."""

import re

from .identifiers import mask_mobile, mask_resident_id

# Not inside a longer run of digits: a 20-digit voucher number is not an ID number.
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)1\d{10}(?!\d)")


def mask_pii_text(text: str) -> str:
    """C-PII: every 18-character resident ID number and 11-digit mobile in `text`, masked."""
    if not text:
        return text
    text = _RESIDENT_ID.sub(lambda m: mask_resident_id(m.group(0)), text)
    return _MOBILE.sub(lambda m: mask_mobile(m.group(0)), text)
