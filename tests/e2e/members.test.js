'use strict';
// The Membership Center's story in a real browser (MISSION M1–M9, P1): four people, each in a
// browser of their own, with the Network, the Membership Center and the resources site running
// as separate processes and every message going through a real SMTP sink.
//
// Ada signs up from the Membership Center, enrols an organization (Primary Program Contact,
// Global Administrator) and adds Manchester. She invites Grace to Manchester as its Location
// Administrator; Grace signs up at the Network from the mailed invitation, completes a profile
// and sees Manchester's people. Grace invites Charles to Manchester but cannot invite to the
// headquarters. Dorothy asks to join Manchester and Grace approves; Dorothy sees no
// administration page. Grace cannot raise her own rights; Ada cannot leave while she is the
// Primary Program Contact or the last Global Administrator, and hands the contact role to Grace.
// Grace changes her address at the Network and the Membership Center shows it after her next
// sign-in; a new Network account of hers is a new person with a new profile. The audit log
// shows every step, and the resources site greets Grace without asking for a password.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib/server');
const { startSite } = require('./lib/sites');
const { launchBrowser } = require('./lib/browser');
const { Visitor, uniqueEmail, uniquePassword, SUBJECTS } = require('./lib/portico');

const ORG = 'Analytical Engines Ltd';

/**
 * Signs up at the Network on its sign-up page (already open), with the mailed code. With
 * `prefilled`, the address is left as the page offers it.
 */
async function signUpHere(v, { given, family, email, password }, { prefilled = false } = {}) {
  assert.equal(v.pathname(), '/signup', `[${v.label}] not on the Network's sign-up page: ${v.page.url()}`);
  await v.field('Given name').fill(given);
  await v.field('Family name').fill(family);
  if (!prefilled) await v.field('E-mail address').fill(email);
  await v.field('Password').fill(password);
  const after = v.mailbox.mark();
  const started = await v.submit(v.button('Create account'), '/signup');
  assert.equal(started.status(), 303, `[${v.label}] the sign-up form was refused: ${await v.page.locator('#error').allInnerTexts()}`);
  const message = await v.signUpMessage(email, after);
  const confirmed = await v.enterSignUpCode(message.code);
  assert.equal(confirmed.status(), 303, `[${v.label}] the code was refused`);
}

/** The "Sign in" link of the Membership Center, then the Network's form; back at the site. */
async function signInAtCenter(v, center, { email, password }) {
  await v.goto(`${center.origin}/`);
  await v.link('Sign in').click();
  await v.page.waitForURL((u) => u.pathname === '/signin');
  await v.fillSignIn({ email, password });
  await v.page.waitForURL((u) => u.origin === center.origin);
}

/** Signs out at the Membership Center, which ends the Network session too. */
async function signOutAtCenter(v, center) {
  await v.goto(`${center.origin}/`);
  await v.button('Sign out').click();
  await v.page.locator('#signin').waitFor();
  assert.equal(new URL(v.page.url()).origin, center.origin);
}

/** The organization page, reached from the dashboard's link. */
async function openOrganization(v, center) {
  await v.goto(`${center.origin}/`);
  await Promise.all([v.page.waitForURL((u) => u.pathname === '/organization'), v.link(ORG).click()]);
}

async function rightsHere(v) {
  return (await v.page.locator('#my-rights').innerText()).trim();
}

/** The people table's row of the person whose cell starts with `name`. */
function row(v, name) {
  return v.page.locator('#people-table tbody tr').filter({ has: v.page.locator('td:first-child', { hasText: name }) });
}

/** Submits the invitation form on the organization page; returns the POST's response. */
async function invite(v, { email, location, rights }) {
  await v.page.locator('#invite_email').fill(email);
  if (location) await v.page.locator('#invite_location').selectOption(location);
  await v.page.locator('#invite_rights').selectOption(rights);
  return v.submit(v.button('Create invitation'), '/invitations/add');
}

/** Adds an <option> the page did not offer to a select, and chooses it (a forged form). */
async function forgeOption(select, value) {
  await select.evaluate((el, v) => {
    const option = document.createElement('option');
    option.value = v;
    option.textContent = v;
    el.append(option);
  }, value);
  await select.selectOption(value);
}

test('the Membership Center: enrolment, invitations, requests, rights, hand-over and changes at the Network, across four browsers',
  { timeout: 300_000 }, async () => {
    const network = await startServer({ mailbox: true });
    const center = await startSite(network, 'members', { mailbox: network.mailbox });
    const resources = await startSite(network, 'resources');
    const browser = await launchBrowser();
    const visitors = [];
    const open = async (label) => {
      const v = await Visitor.open(browser, network, label);
      visitors.push(v);
      return v;
    };
    try {
      const ada = { given: 'Ada', family: 'Lovelace', email: uniqueEmail('ada'), password: uniquePassword('ada') };
      const grace = { given: 'Grace', family: 'Hopper', email: uniqueEmail('grace'), password: uniquePassword('grace') };
      const dorothy = { given: 'Dorothy', family: 'Hodgkin', email: uniqueEmail('dorothy'), password: uniquePassword('dorothy') };
      const charles = uniqueEmail('charles');

      // --- Ada signs up from the Membership Center and enrols her organization (M1, M2).
      const a = await open('ada');
      await a.goto(`${center.origin}/`);
      await a.link('Sign up').click();
      await a.page.waitForURL((u) => u.origin === network.baseURL && u.pathname === '/signup');
      await signUpHere(a, ada);
      await a.page.waitForURL(`${center.origin}/profile`);
      assert.equal(await a.page.locator('h1').innerText(), 'Complete your profile');
      assert.equal(await a.page.locator('#name').inputValue(), 'Ada Lovelace', 'the name is not prefilled from the Network');
      assert.equal(await a.page.locator('#preferred_email').inputValue(), ada.email);
      await a.page.locator('#job_title').fill('Director');
      assert.equal((await a.submit(a.button('Save profile'), '/profile')).status(), 303);
      await Promise.all([a.page.waitForURL(`${center.origin}/enrol`), a.link('Enrol a new organization').click()]);
      await a.page.locator('#org_name').fill(ORG);
      await a.page.locator('#org_country').fill('United Kingdom');
      await a.page.locator('#hq_street').fill('1 Dorset Street');
      await a.page.locator('#hq_city').fill('London');
      assert.equal((await a.submit(a.button('Enrol'), '/enrol')).status(), 303);
      assert.equal(a.pathname(), '/organization');
      const orgId = new URL(a.page.url()).searchParams.get('id');
      assert.equal(await rightsHere(a), 'Global Administrator');

      // --- A second location (M3).
      await a.page.locator('#loc_name').fill('Manchester');
      await a.page.locator('#loc_city').fill('Manchester');
      await a.page.locator('#loc_country').fill('United Kingdom');
      assert.equal((await a.submit(a.button('Add location'), '/locations/add')).status(), 303);
      await a.page.locator('#locations li', { hasText: 'Manchester' }).first().waitFor();
      const manchester = await a.page.locator('#invite_location option', { hasText: 'Manchester' }).getAttribute('value');
      const headquarters = await a.page.locator('#invite_location option', { hasText: 'Headquarters' }).getAttribute('value');

      // --- Ada invites Grace to Manchester as its Location Administrator; the link is mailed (M6).
      const sent = a.mailbox.mark();
      assert.equal((await invite(a, { email: grace.email, location: manchester, rights: 'location' })).status(), 200);
      const shown = await a.page.locator('#invitation-link').inputValue();
      const invitation = await a.mailbox.waitFor({ to: grace.email, subject: `Invitation to join ${ORG}`, after: sent });
      assert.equal(invitation.link, shown, 'the mailed link is not the one shown to Ada');

      // --- Grace opens the mail, signs up at the Network from it with the invited address
      //     prefilled, completes a profile and accepts.
      const g = await open('grace');
      await g.goto(invitation.link);
      await g.link(`Create a network account with ${grace.email}`).click();
      await g.page.waitForURL((u) => u.origin === network.baseURL && u.pathname === '/signup');
      assert.equal(await g.field('E-mail address').inputValue(), grace.email, 'the invited address is not prefilled');
      await signUpHere(g, grace, { prefilled: true });
      await g.page.waitForURL((u) => u.origin === center.origin && u.pathname === '/profile');
      assert.equal(await g.page.locator('#name').inputValue(), 'Grace Hopper');
      await g.page.locator('#job_title').fill('Engineer');
      await g.submit(g.button('Save profile'), '/profile');
      assert.equal(g.pathname(), '/invitation', 'completing the profile did not lead back to the invitation');
      assert.equal((await g.submit(g.button('Accept the invitation'), '/invitation/accept')).status(), 303);
      assert.equal(g.pathname(), '/organization');
      assert.equal(await rightsHere(g), 'Location Administrator: Manchester');
      await Promise.all([g.page.waitForURL((u) => u.pathname === '/people'), g.link('People').click()]);
      await row(g, 'Grace Hopper').waitFor();
      assert.equal(await row(g, 'Ada Lovelace').count(), 0, 'a Location Administrator of Manchester sees the headquarters\' people');

      // --- Grace invites Charles to Manchester, but not to the headquarters (M4, M6).
      await openOrganization(g, center);
      const offered = await g.page.locator('#invite_location option').allInnerTexts();
      assert.deepEqual(offered, ['Manchester'], 'Grace is offered locations she does not administer');
      assert.deepEqual(await g.page.locator('#invite_rights option').evaluateAll((os) => os.map((o) => o.value)), ['none', 'location']);
      assert.equal((await invite(g, { email: charles, location: manchester, rights: 'none' })).status(), 200);
      await openOrganization(g, center);
      await g.page.locator('#invite_email').fill(uniqueEmail('forged'));
      await forgeOption(g.page.locator('#invite_location'), headquarters);
      const forged = await g.submit(g.button('Create invitation'), '/invitations/add');
      assert.equal(forged.status(), 403, 'a Location Administrator of Manchester invited someone to the headquarters');
      await openOrganization(g, center);
      assert.deepEqual(await g.page.locator('#invitations li').allInnerTexts().then((t) => t.map((s) => s.split('\n')[0].trim())),
        [`${charles} (Manchester)`]);

      // --- Dorothy signs up, asks to join Manchester; Grace sees the request and approves (M6, M7).
      const d = await open('dorothy');
      await d.goto(`${center.origin}/`);
      await d.link('Sign up').click();
      await d.page.waitForURL((u) => u.origin === network.baseURL && u.pathname === '/signup');
      await signUpHere(d, dorothy);
      await d.page.waitForURL(`${center.origin}/profile`);
      await d.submit(d.button('Save profile'), '/profile');
      await Promise.all([d.page.waitForURL(`${center.origin}/join`), d.link('Ask to join an organization').click()]);
      await d.page.locator('#join_location').selectOption(`${orgId}|${manchester}`);
      await d.page.locator('#join_message').fill('I run the Manchester lab.');
      assert.equal((await d.submit(d.button('Send request'), '/join')).status(), 200);
      assert.equal(await d.page.locator('h1').innerText(), 'Request sent');

      await openOrganization(g, center);
      const card = g.page.locator('#requests li', { hasText: 'Dorothy Hodgkin' });
      const cardText = await card.innerText();
      assert.match(cardText, /asks to join Manchester/);
      assert.ok(cardText.includes(`signs in as ${dorothy.email} (confirmed)`), cardText);
      assert.ok(cardText.includes('I run the Manchester lab.'), cardText);
      assert.equal((await g.submit(card.getByRole('button', { name: 'Approve' }), '/requests/decide')).status(), 303);

      // --- Dorothy belongs, and sees no administration page, by link or by address (M4).
      await openOrganization(d, center);
      assert.equal(await rightsHere(d), 'No administrative rights');
      assert.equal(await d.link('People').count(), 0);
      assert.equal(await d.button('Create invitation').count(), 0);
      for (const target of [`/people?org=${orgId}`, `/people?org=${orgId}&location=${manchester}`, `/audit?org=${orgId}`]) {
        const r = await d.goto(`${center.origin}${target}`);
        assert.equal(r.status(), 403, `Dorothy reached ${target}`);
        assert.equal(await d.page.locator('#people-table, #audit-table').count(), 0);
      }

      // --- Grace cannot raise her own rights (M6).
      await g.goto(`${center.origin}/people?org=${orgId}`);
      const mine = row(g, 'Grace Hopper');
      await forgeOption(mine.locator('select[name="rights"]'), 'global');
      const raised = await g.submit(mine.getByRole('button', { name: 'Save rights' }), '/members/rights');
      assert.equal(raised.status(), 403, 'Grace made herself a Global Administrator');
      await openOrganization(g, center);
      assert.equal(await rightsHere(g), 'Location Administrator: Manchester');

      // --- Ada cannot leave: she is the Primary Program Contact and the last Global
      //     Administrator. She hands the contact role to Grace, and still cannot leave (M5, M6).
      await openOrganization(a, center);
      const left = await a.submit(a.button('Leave this organization'), '/members/remove');
      assert.equal(left.status(), 400);
      assert.match(await a.errorText(), /Primary Program Contact cannot be removed/);
      await a.goto(`${center.origin}/people?org=${orgId}`);
      assert.equal(await row(a, 'Ada Lovelace').getByRole('button', { name: 'Make Primary Program Contact' }).count(), 0);
      const handed = await a.submit(row(a, 'Grace Hopper').getByRole('button', { name: 'Make Primary Program Contact' }), '/members/primary');
      assert.equal(handed.status(), 303);
      await a.goto(`${center.origin}/people?org=${orgId}&role=primary`);
      assert.deepEqual(await a.page.locator('#people-table tbody tr td:first-child').allInnerTexts(), ['Grace Hopper, Engineer']);
      await openOrganization(a, center);
      const leftAgain = await a.submit(a.button('Leave this organization'), '/members/remove');
      assert.equal(leftAgain.status(), 400);
      assert.match(await a.errorText(), /last Global Administrator cannot be removed/);
      await openOrganization(a, center);
      assert.equal(await rightsHere(a), 'Global Administrator');

      // --- Grace changes her address at the Network; the Membership Center shows it after her
      //     next sign-in (M8).
      const newAddress = uniqueEmail('grace.hopper');
      await g.goto('/account');
      await g.page.locator('#new_email').fill(newAddress);
      await g.page.locator('#new_email_primary').check();
      await g.page.locator('#add_email_password').fill(grace.password);
      assert.equal((await g.submit(g.button('Add address'), '/account/email/add')).status(), 303);
      const verify = await g.mailbox.waitFor({ to: newAddress, subject: SUBJECTS.confirmAddress });
      const pending = g.page.locator('#addresses > li', { hasText: newAddress });
      await pending.getByLabel('Code', { exact: true }).fill(verify.code);
      assert.equal((await g.submit(pending.getByRole('button', { name: 'Confirm', exact: true }), '/account/email/code')).status(), 303);
      await g.goto(`${center.origin}/profile`);
      assert.match(await g.page.locator('main p').first().innerText(), new RegExp(`You sign in as ${grace.email.replace(/[.+]/g, '\\$&')}`),
        'the Membership Center changed before the next sign-in');
      await signOutAtCenter(g, center);
      await signInAtCenter(g, center, { email: newAddress, password: grace.password });
      await g.goto(`${center.origin}/profile`);
      assert.equal(await g.page.locator('h1').innerText(), 'Your profile', 'the same Network account was asked for a new profile');
      assert.match(await g.page.locator('main p').first().innerText(), new RegExp(`You sign in as ${newAddress.replace(/[.+]/g, '\\$&')}`));
      await a.goto(`${center.origin}/people?org=${orgId}`);
      assert.ok((await row(a, 'Grace Hopper').innerText()).includes(`signs in as ${newAddress}`), 'administrators still see the old address');

      // --- A new Network account is a new person: Grace is asked for a new profile (M8).
      await signOutAtCenter(g, center);
      await g.link('Sign up').click();
      await g.page.waitForURL((u) => u.origin === network.baseURL && u.pathname === '/signup');
      const second = { given: 'Grace', family: 'Hopper', email: uniqueEmail('grace.second'), password: uniquePassword('second') };
      await signUpHere(g, second);
      await g.page.waitForURL(`${center.origin}/profile`);
      assert.equal(await g.page.locator('h1').innerText(), 'Complete your profile', 'a new Network account reused the old profile');
      assert.equal(await g.page.locator('#preferred_email').inputValue(), second.email);
      const dashboard = await g.goto(`${center.origin}/`);
      assert.equal(new URL(dashboard.url()).pathname, '/profile', 'the new account reached the dashboard without a profile');

      // --- The audit log shows every step, with who did it; nothing refused was recorded (M9).
      await a.goto(`${center.origin}/audit?org=${orgId}`);
      const entries = await a.page.locator('#audit-table tbody tr').evaluateAll((rows) =>
        rows.map((r) => ({ who: r.cells[1].innerText.trim(), what: r.cells[2].innerText.trim() })));
      const did = (who, what) => entries.some((e) => e.who === who && e.what === what);
      for (const [who, what] of [
        ['Ada Lovelace', 'organization.enrolled'], ['Ada Lovelace', 'location.added'],
        ['Ada Lovelace', 'invitation.sent'], ['Grace Hopper', 'invitation.accepted'],
        ['Grace Hopper', 'invitation.sent'], ['Dorothy Hodgkin', 'request.sent'],
        ['Grace Hopper', 'request.approved'], ['Ada Lovelace', 'primary_contact.handed_over'],
        ['Grace Hopper', 'profile.network_changed'],
      ]) assert.ok(did(who, what), `the audit log lacks "${what}" by ${who}: ${JSON.stringify(entries)}`);
      for (const refused of ['rights.changed', 'member.removed']) {
        assert.ok(!entries.some((e) => e.what === refused), `a refused action was recorded: ${refused}`);
      }
      assert.equal(entries.filter((e) => e.what === 'invitation.sent').length, 2, 'the forged invitation was recorded');

      // --- The resources site greets Grace without asking for a password (P1).
      const passwordPrompts = [];
      g.page.on('framenavigated', (f) => {
        if (f === g.page.mainFrame() && new URL(f.url()).pathname === '/signin') passwordPrompts.push(f.url());
      });
      await g.goto(`${resources.origin}/`);
      await g.page.getByRole('link', { name: 'Sign in with Portico' }).click();
      await g.page.locator('#greeting').waitFor();
      assert.equal((await g.page.locator('#greeting').innerText()).trim(), 'Hello, Grace Hopper.');
      assert.deepEqual(passwordPrompts, [], 'the resources site asked for a password');

      for (const v of visitors) await v.assertClean();
    } finally {
      await browser.close();
      await resources.stop();
      await center.stop();
      await network.dispose();
    }
  });
