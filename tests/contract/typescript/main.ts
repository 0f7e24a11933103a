// Lists claims through openapi-fetch with the types openapi-typescript generated from the
// live OpenAPI document, and prints what it found as JSON for the test to check.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Claim = components["schemas"]["ClaimPublic"];
type ClaimPage = components["schemas"]["ClaimPage"];
type Problem = components["schemas"]["Problem"];
type Qualifier = components["schemas"]["Qualifier"];

const BASE_URL = "__BASE_URL__";
const client = createClient<paths>({ baseUrl: BASE_URL });

// Claims by Syrskyi in January 2025.
async function syrskyiInJanuary(): Promise<Claim[]> {
  const { data, error } = await client.GET("/v1/claims", {
    params: { query: { speaker: ["syrskyi"], stated_from: "2025-01", stated_to: "2025-01" } },
  });
  if (error !== undefined) {
    const problem: Problem = error;
    throw new Error(`${problem.status}: ${problem.detail}`);
  }
  return data.items;
}

async function claimPage(cursor: string | null): Promise<ClaimPage> {
  const { data, error } = await client.GET("/v1/claims", {
    params: { query: { limit: 7, count: true, cursor } },
  });
  if (error !== undefined) throw new Error(error.detail);
  return data;
}

// Every claim, seven to a page, following the cursor.
async function allClaims(): Promise<{ claims: Claim[]; pages: number; total: number | null }> {
  const claims: Claim[] = [];
  let page = await claimPage(null);
  let pages = 1;
  claims.push(...page.items);
  while (page.next_cursor !== null) {
    page = await claimPage(page.next_cursor);
    pages += 1;
    claims.push(...page.items);
  }
  return { claims, pages, total: page.total ?? null };
}

async function unknownClaim(): Promise<Problem | undefined> {
  const { data, error } = await client.GET("/v1/claims/{claim_id}", {
    params: { path: { claim_id: "no-such-claim" } },
  });
  if (data !== undefined) throw new Error(`found ${data.id}`);
  return error;
}

// Never called, only type-checked: each marked line must be rejected (tsc reports an
// expected error that does not happen), which shows the types are precise, not `any`.
export async function rejectedByTheTypes(claim: Claim): Promise<void> {
  // @ts-expect-error: sort keys are a closed set
  await client.GET("/v1/claims", { params: { query: { sort: "loudest" } } });
  // @ts-expect-error: no such path
  await client.GET("/v1/claim", {});
  // @ts-expect-error: the path parameter is required
  await client.GET("/v1/claims/{claim_id}", { params: {} });
  // @ts-expect-error: a qualifier is one of five words
  const qualifier: Qualifier = "roughly";
  // @ts-expect-error: value is a number or null
  const value: string = claim.value;
  void qualifier;
  void value;
}

const january = await syrskyiInJanuary();
const { claims, pages, total } = await allClaims();
const problem = await unknownClaim();
const qualifiers: Qualifier[] = january.map((claim) => claim.qualifier);
console.log(
  JSON.stringify({
    january: january.map((claim) => [claim.id, claim.value, claim.stated_on]),
    qualifiers,
    claims: claims.length,
    unique: new Set(claims.map((claim) => claim.id)).size,
    pages,
    total,
    problem: problem === undefined ? null : { status: problem.status, detail: problem.detail },
  }),
);
