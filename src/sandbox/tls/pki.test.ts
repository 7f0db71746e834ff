import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { describe, it } from 'node:test';
import { createAuthority, issueClientCert, issueServerCert, loadAuthority } from './pki.js';

describe('sandbox PKI', () => {
  it('issues certificates that chain to the CA, with the right names and usages', () => {
    const ca = createAuthority();
    const caCert = new X509Certificate(ca.cert);
    assert.equal(caCert.ca, true);
    assert.ok(caCert.verify(caCert.publicKey), 'self-signed');
    const server = new X509Certificate(issueServerCert(ca, ['localhost', '127.0.0.1', '::1']).cert);
    assert.ok(server.verify(caCert.publicKey));
    assert.ok(server.checkIssued(caCert));
    assert.equal(server.ca, false);
    assert.equal(server.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    assert.ok(server.checkIP('127.0.0.1'));
    assert.deepEqual(server.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    const client = new X509Certificate(issueClientCert(ca, 'alice', ['system:masters', 'dev']).cert);
    assert.ok(client.verify(caCert.publicKey));
    assert.equal(client.subject, 'O=system:masters\nO=dev\nCN=alice');
    assert.deepEqual(client.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  });

  it('reloads a saved CA that signs certificates its old certificate verifies', () => {
    const ca = createAuthority();
    const again = loadAuthority({ cert: ca.cert, key: ca.key });
    const leaf = new X509Certificate(issueClientCert(again, 'bob').cert);
    assert.ok(leaf.checkIssued(new X509Certificate(ca.cert)));
  });

  it('serves mutual TLS: the client certificate is verified against the CA', async () => {
    const ca = createAuthority();
    const tls = issueServerCert(ca, ['127.0.0.1']);
    const server = createServer(
      { key: tls.key, cert: tls.cert, ca: [ca.cert], requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        const socket = req.socket as TLSSocket;
        res.end(socket.authorized ? socket.getPeerCertificate().subject.CN : 'anonymous');
      },
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    const get = (extra: { cert?: string; key?: string }) =>
      new Promise<string>((resolve, reject) => {
        request({ host: '127.0.0.1', port, ca: ca.cert, ...extra }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve(body));
        })
          .on('error', reject)
          .end();
      });
    try {
      assert.equal(await get(issueClientCert(ca, 'alice')), 'alice');
      assert.equal(await get({}), 'anonymous');
      const stranger = issueClientCert(createAuthority(), 'mallory');
      assert.equal(await get(stranger), 'anonymous');
    } finally {
      server.close();
    }
  });
});
