// Subject identifier types (OIDC Core §8): public subjects are the same at every site; pairwise
// subjects are the same for the sites of one sector (--sector-id) and different across sectors
// (§8.1), and the ID token, UserInfo and introspection agree on them (MISSION N11).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { client, registerSite, signInAtSite } from './lib/rp.mjs';
import { conformanceSuite, TEST_TIMEOUT_MS } from './lib/setup.mjs';

const s = conformanceSuite();
const opts = { timeout: TEST_TIMEOUT_MS };

async function subjectAt(person, reg) {
  const { config, tokens, claims } = await signInAtSite(person, s.op, reg);
  const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(info.sub, claims.sub, `[${reg.label}] UserInfo sub differs from the ID token's (OIDC Core §5.3.2)`);
  const intro = await client.tokenIntrospection(config, tokens.access_token);
  if (intro.sub !== undefined) assert.equal(intro.sub, claims.sub, `[${reg.label}] introspection sub differs from the ID token's`);
  return claims.sub;
}

test('OP-pairwise: sites of one sector share a subject, another sector gets another, public sites get the public one', opts, async (t) => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const sectorOne = `members-${suffix}.example.org`;
  const sectorTwo = `shop-${suffix}.example.com`;
  const a = await registerSite(t, s.op, { label: 'pairwise-a', pairwise: true, sectorId: sectorOne });
  const b = await registerSite(t, s.op, { label: 'pairwise-b', pairwise: true, sectorId: sectorOne });
  const c = await registerSite(t, s.op, { label: 'pairwise-c', pairwise: true, sectorId: sectorTwo });
  const p1 = await registerSite(t, s.op, { label: 'public-1' });
  const p2 = await registerSite(t, s.op, { label: 'public-2' });
  const ada = await s.signedUp(t, 'ada');
  const subA = await subjectAt(ada, a);
  const subB = await subjectAt(ada, b);
  const subC = await subjectAt(ada, c);
  const pub1 = await subjectAt(ada, p1);
  const pub2 = await subjectAt(ada, p2);
  assert.equal(subA, subB, 'two sites of the same sector see different subjects (OIDC Core §8.1)');
  assert.notEqual(subC, subA, 'sites of different sectors see the same pairwise subject');
  assert.equal(pub1, pub2, 'public subjects differ between sites (OIDC Core §8)');
  assert.notEqual(subA, pub1, 'the pairwise subject is the public one');
  assert.notEqual(subC, pub1, 'the pairwise subject is the public one');
  for (const sub of [subA, subC, pub1]) assert.ok(sub.length <= 255 && /^[\x21-\x7e]+$/.test(sub), `sub ${sub} is not 1..255 printable ASCII`);
  // Stable: the same site sees the same subject next time.
  assert.equal(await subjectAt(ada, a), subA, 'the pairwise subject changed between sign-ins');
  // Another person at the same sector gets another subject.
  const grace = await s.signedUp(t, 'grace', { given: 'Grace', family: 'Hopper' });
  assert.notEqual(await subjectAt(grace, a), subA, 'two people share a pairwise subject');
});
