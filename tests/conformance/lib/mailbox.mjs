// The SMTP sink of the conformance tests: the same module as the e2e tier's
// (tests/e2e/lib/mailbox.js, Debian's aiosmtpd with its Maildir handler on a free loopback
// port). It uses Node's built-in modules only, so this tier can load it from there without the
// other tier's packages.
import mailbox from '../../e2e/lib/mailbox.js';

export const { startMailbox, Mailbox, parseMessage } = mailbox;
