// A real OpenID Provider (the certified `oidc-provider` package) for the sign-in tests, on
// 127.0.0.1. Only the person at the provider's login page is scripted: POST /test/next sets
// who signs in next (and their `amr`), and POST /test/tamper makes the next ID token be
// re-signed with a changed audience, a past expiry or a key that is not the provider's, as
// an attacker or a misconfigured tenant would present it.
//
//   node tests/oidc/provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI[,REDIRECT_URI...]
// prints "ready <issuer>" on stdout once it listens.
import { generateKeyPair, exportJWK, SignJWT, decodeJwt, decodeProtectedHeader } from "jose";
import Provider from "oidc-provider";

const [port, clientId, clientSecret, redirects] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

async function newKey(kid) {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: "RS256", use: "sig" };
}
const signing = await newKey("provider-key");
const stranger = await newKey("provider-key"); // same kid, another key: a forged token

const accounts = new Map();
let next = null;
let tamper = null;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirects.split(","),
      post_logout_redirect_uris: redirects.split(",").map((r) => r.replace(/\/sign-in\/sso\/.*$/, "/sign-in")),
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  jwks: { keys: [signing] },
  cookies: { keys: ["tests-only-cookie-key"] },
  claims: { openid: ["sub", "amr"], email: ["email", "email_verified"], profile: ["name"] },
  scopes: ["openid", "email", "profile"],
  // As Entra ID and Google do, put the scopes' claims (email) in the ID token itself.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  pkce: { required: () => true },
  findAccount: async (_ctx, sub) => {
    const person = accounts.get(sub);
    if (!person) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...person.claims }) };
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError: async (ctx, out) => {
    ctx.type = "text/plain";
    ctx.body = `${out.error}: ${out.error_description}`;
  },
});
provider.proxy = false;

async function readJson(ctx) {
  let raw = "";
  for await (const chunk of ctx.req) raw += chunk;
  return JSON.parse(raw || "{}");
}

provider.use(async (ctx, nextMiddleware) => {
  if (ctx.method === "POST" && ctx.path === "/test/next") {
    const body = await readJson(ctx);
    accounts.set(body.sub, { claims: body.claims });
    next = body;
    ctx.body = { ok: true };
    return;
  }
  if (ctx.method === "POST" && ctx.path === "/test/tamper") {
    tamper = (await readJson(ctx)).tamper || null;
    ctx.body = { ok: true };
    return;
  }
  const match = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (ctx.method === "GET" && match) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.prompt.name === "login") {
      if (!next) {
        ctx.status = 400;
        ctx.body = "no one is signing in";
        return;
      }
      const login = { accountId: next.sub, amr: next.amr || ["pwd"], remember: false };
      return provider.interactionFinished(ctx.req, ctx.res, { login }, { mergeWithLastSubmission: false });
    }
    const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    return provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  await nextMiddleware();
  if (ctx.path === "/token" && tamper && ctx.body && ctx.body.id_token) {
    const claims = decodeJwt(ctx.body.id_token);
    const header = decodeProtectedHeader(ctx.body.id_token);
    let key = signing;
    if (tamper === "audience") claims.aud = "someone-elses-client";
    if (tamper === "expired") {
      claims.iat -= 7200;
      claims.exp = claims.iat + 3600;
    }
    if (tamper === "signature") key = stranger;
    const { importJWK } = await import("jose");
    ctx.body.id_token = await new SignJWT(claims)
      .setProtectedHeader(header)
      .sign(await importJWK(key, "RS256"));
    tamper = null;
  }
});

provider.listen(Number(port), "127.0.0.1", () => {
  process.stdout.write(`ready ${issuer}\n`);
});
