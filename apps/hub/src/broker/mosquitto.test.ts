import assert from 'node:assert/strict';
import { pbkdf2Sync } from 'node:crypto';
import { test } from 'node:test';
import { mosquittoAclFile, mosquittoHash, mosquittoPasswordFile } from './mosquitto.ts';

test('the hash is mosquitto_passwd’s $7$ format (checked against mosquitto 2.0.11 output)', () => {
  // `mosquitto_passwd -b pw user1 secret1` wrote this line on Debian 12:
  const line =
    '$7$101$xU1H0ISmB/YUAnT7$oIJqpezcVSLjRuRPeFhPJmN7flUbO96GeadQkE2EU1Tdz1Ame/ZuFonJuhHkPuw9Qmz0BUe6rmwVzfBI/BRi3w==';
  assert.equal(mosquittoHash('secret1', Buffer.from('xU1H0ISmB/YUAnT7', 'base64')), line);
  const [, , rounds, salt, hash] = mosquittoHash('x').split('$');
  assert.equal(rounds, '101');
  assert.equal(Buffer.from(salt!, 'base64').length, 12);
  assert.equal(hash, pbkdf2Sync('x', Buffer.from(salt!, 'base64'), 101, 64, 'sha512').toString('base64'));
});

test('password file lists the hub and every agent', () => {
  const f = mosquittoPasswordFile({ username: 'hub', brokerHash: '$7$h' }, [
    { username: 'p.l.c', brokerHash: '$7$a' },
  ]);
  assert.equal(f, 'hub:$7$h\np.l.c:$7$a\n');
});

test('ACL gives each agent only its own topics, the hub all up-reads and down-writes', () => {
  const acl = mosquittoAclFile('hub', ['p1.l1.c1']);
  assert.match(
    acl,
    /user hub\n(topic read cellfleet\/v1\/\+\/\+\/\+\/\w+\n)+(topic write cellfleet\/v1\/\+\/\+\/\+\/(ack|cmd)\n)+/,
  );
  assert.match(acl, /user p1\.l1\.c1\ntopic write cellfleet\/v1\/p1\/l1\/c1\/state\n/);
  assert.match(acl, /topic read cellfleet\/v1\/p1\/l1\/c1\/cmd\n/);
  assert.doesNotMatch(acl.split('user p1.l1.c1')[1]!, /\+|#/, 'no wildcards in an agent block');
  assert.throws(() => mosquittoAclFile('hub', ['not-a-cell-id']), /not a site\.line\.cell id/);
});
