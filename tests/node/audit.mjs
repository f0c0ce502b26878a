// Run graphql-http's GraphQL-over-HTTP server audits against a URL and print the results as JSON.
// Usage: node tests/node/audit.mjs http://127.0.0.1:5000/graphql
import { serverAudits } from "graphql-http";

const url = process.argv[2];
if (!url) {
  console.error("usage: node audit.mjs <graphql url>");
  process.exit(2);
}

const results = [];
for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  results.push({
    id: result.id,
    name: result.name,
    status: result.status,
    reason: result.status === "ok" ? null : result.reason,
    httpStatus: result.status === "ok" ? null : result.response.status,
  });
}
process.stdout.write(JSON.stringify(results, null, 2) + "\n");
