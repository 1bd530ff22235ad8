import {describe, expect, it} from 'vitest'

import {saslConversation} from '../../../../src/adapters/kafka/protocol/sasl-mechanisms.js'

const text = (b: Buffer | null) => b?.toString('utf8') ?? null

describe('SCRAM-SHA-256, the exchange of RFC 7677 section 3', () => {
  // user "user", password "pencil", client nonce "rOprNGfwEbeRWgbNEkqO".
  const serverFirst = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'
  const clientFinal = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='
  const serverFinal = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='

  it('sends the RFC client messages and accepts the server signature', async () => {
    const c = saslConversation('scram-sha-256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO')
    expect(c.name).toBe('SCRAM-SHA-256')
    expect(text(c.start())).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO')
    expect(text(await c.next(Buffer.from(serverFirst)))).toBe(clientFinal)
    expect(await c.next(Buffer.from(serverFinal))).toBeNull()
  })

  it('rejects a server that cannot prove it holds the credential', async () => {
    const c = saslConversation('scram-sha-256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO')
    c.start()
    await c.next(Buffer.from(serverFirst))
    await expect(c.next(Buffer.from('v=AAAAZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='))).rejects.toThrow(/SASL authentication failed: .*signature does not match/)
  })

  it('a wrong password gives a different proof', async () => {
    const c = saslConversation('scram-sha-256', 'user', 'pencil!', 'rOprNGfwEbeRWgbNEkqO')
    c.start()
    expect(text(await c.next(Buffer.from(serverFirst)))).not.toBe(clientFinal)
  })

  it('rejects a server nonce that does not extend ours, and reports a server error', async () => {
    const c = saslConversation('scram-sha-256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO')
    await expect(c.next(Buffer.from('r=somebodyElse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'))).rejects.toThrow(/not valid SCRAM/)
    const d = saslConversation('scram-sha-512', 'user', 'pencil')
    await expect(d.next(Buffer.from('e=invalid-proof'))).rejects.toThrow(/SASL authentication failed: SCRAM-SHA-512: the server said "invalid-proof"/)
  })

  it('escapes "=" and "," in the user name (RFC 5802 saslname)', () => {
    expect(text(saslConversation('scram-sha-512', 'a=b,c', 'pw', 'N').start())).toBe('n,,n=a=3Db=2Cc,r=N')
  })

  it('does not put the password in any error', async () => {
    const c = saslConversation('scram-sha-512', 'user', 'sup3r-s3cret')
    const errors = await Promise.all([c.next(Buffer.from('e=other-error')), c.next(Buffer.from('garbage'))].map((p) => p.then(() => null, (e: Error) => e.message)))
    for (const m of errors) expect(m).not.toContain('sup3r-s3cret')
  })
})

describe('PLAIN (RFC 4616)', () => {
  it('is one message: NUL user NUL password', async () => {
    const c = saslConversation('plain', 'alice', 'wonder land')
    expect(c.name).toBe('PLAIN')
    expect(c.start()).toEqual(Buffer.from('\u0000alice\u0000wonder land'))
    expect(await c.next(Buffer.alloc(0))).toBeNull()
  })
})
