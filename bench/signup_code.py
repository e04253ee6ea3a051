#!/usr/bin/env python3
"""Prints the sign-up code the Network wrote for ADDRESS into its mail drop folder.

usage: bench/signup_code.py MAIL_DIR ADDRESS   (waits up to 10 s for the message)
"""
import email
import pathlib
import re
import sys
import time

mail_dir, address = pathlib.Path(sys.argv[1]), sys.argv[2]
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    for path in sorted(mail_dir.glob("*-signup-verify.eml"), key=lambda p: int(p.name.split("-")[0]), reverse=True):
        message = email.message_from_bytes(path.read_bytes())
        if message["To"].strip("<>") != address:
            continue
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                code = re.search(r"\b(\d{6})\b", part.get_payload(decode=True).decode())
                if code:
                    print(code.group(1))
                    sys.exit(0)
    time.sleep(0.05)
sys.exit(f"no sign-up code for {address} in {mail_dir}")
