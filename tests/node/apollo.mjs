// Drive the gateway with Apollo Client (framework-agnostic core): sign up, log in, create a tag,
// read it back through the normalised cache. Prints one JSON object for the Python test to check.
// Usage: node tests/node/apollo.mjs <graphql url> <email> <password>
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { SetContextLink } from "@apollo/client/link/context";

const [url, email, password] = process.argv.slice(2);
if (!url || !email || !password) {
  console.error("usage: node apollo.mjs <graphql url> <email> <password>");
  process.exit(2);
}

let token = null;
const auth = new SetContextLink((prevContext) => ({
  headers: {
    ...prevContext.headers,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  },
}));
const client = new ApolloClient({
  link: ApolloLink.from([auth, new HttpLink({ uri: url })]),
  cache: new InMemoryCache(),
});

const AUTH = "token user { id email displayName }";
const signUp = await client.mutate({
  mutation: gql`mutation SignUp($email: String!, $password: String!) {
    signUp(email: $email, password: $password, displayName: "Apollo 클라이언트") { ${AUTH} }
  }`,
  variables: { email, password },
});
const logIn = await client.mutate({
  mutation: gql`mutation LogIn($email: String!, $password: String!) {
    logIn(email: $email, password: $password) { ${AUTH} }
  }`,
  variables: { email, password },
});
token = logIn.data.logIn.token;

const created = await client.mutate({
  mutation: gql`mutation CreateTag($input: TagInput!) {
    createTag(input: $input) { id name color }
  }`,
  variables: { input: { name: "아폴로 Apollo", color: "#112233" } },
});
const TAGS = gql`query Tags { me { id email displayName } tags { id name color } }`;
const fromNetwork = await client.query({ query: TAGS, fetchPolicy: "network-only" });
const fromCache = await client.query({ query: TAGS, fetchPolicy: "cache-only" });
const tagInCache = client.cache.identify({ __typename: "Tag", id: created.data.createTag.id });

process.stdout.write(
  JSON.stringify({
    signedUp: signUp.data.signUp.user,
    loggedIn: logIn.data.logIn.user,
    created: created.data.createTag,
    me: fromNetwork.data.me,
    tags: fromNetwork.data.tags,
    cachedTags: fromCache.data.tags,
    tagInCache,
  }) + "\n",
);
