/**
 * Basic logging: an Express app whose chat endpoint calls an OpenAI-compatible model through
 * `observeOpenAI`, with the Loopkit middleware giving each HTTP request an id. Every completion
 * (plain and streamed) is logged with model, usage, latency, time to first token, the prompt
 * version, and the request id — without changing what the app gets from `openai`.
 *
 *   LOOPKIT_URL=http://127.0.0.1:3000 LOOPKIT_PUBLIC_KEY=lk_pub_… \
 *   OPENAI_BASE_URL=http://localhost:11434/v1 OPENAI_API_KEY=… MODEL=llama3.2 \
 *     pnpm exec tsx examples/basic-logging.ts
 *
 * It starts the app on a free port, sends it two requests (one streamed), prints what happened,
 * and stops.
 */
import type { AddressInfo } from "node:net";
import { createLoopkit } from "@loopkit/sdk";
import { loopkitExpress } from "@loopkit/sdk/express";
import { observeOpenAI } from "@loopkit/sdk/openai";
import express from "express";
import OpenAI from "openai";

const publicKey = process.env.LOOPKIT_PUBLIC_KEY;
if (!publicKey) {
  console.error("Set LOOPKIT_PUBLIC_KEY (printed by the Loopkit server's first start).");
  process.exit(1);
}
const model = process.env.MODEL ?? "gpt-4o-mini";

// One Loopkit client and one OpenAI client per process.
const loopkit = createLoopkit({
  baseUrl: process.env.LOOPKIT_URL ?? "http://127.0.0.1:3000",
  apiKey: publicKey,
  onError: (error) => console.error(`not delivered (${error.code}): ${error.message}`),
});
const openai = new OpenAI(); // reads OPENAI_API_KEY and OPENAI_BASE_URL

const app = express();
app.use(express.json());
// Gives every request an id (x-request-id in and out) and `req.loopkit`.
app.use(loopkitExpress({ loopkit }));

app.post("/chat", async (req, res) => {
  // A wrapper per request: its logs carry this request's id (req.loopkit.log adds it).
  const llm = observeOpenAI(openai, {
    loopkit: req.loopkit,
    promptName: "support-answer",
    promptVersion: "v2",
    onLog: (eventId) => res.setHeader("x-loopkit-event-id", eventId),
  });
  const messages = [
    { role: "system" as const, content: "You answer support questions in one sentence." },
    { role: "user" as const, content: String(req.body.question) },
  ];
  if (req.body.stream) {
    const stream = await llm.chat.completions.create({
      model,
      messages,
      stream: true,
      stream_options: { include_usage: true }, // usage for streams must be asked for
    });
    res.setHeader("content-type", "text/plain; charset=utf-8");
    for await (const chunk of stream) res.write(chunk.choices[0]?.delta?.content ?? "");
    res.end();
  } else {
    const completion = await llm.chat.completions.create({ model, messages });
    res.json({ answer: completion.choices[0]?.message.content });
  }
});

const server = app.listen(0, "127.0.0.1");
await new Promise((resolve) => server.once("listening", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const plain = await fetch(`${url}/chat`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ question: "How do I reset my password?" }),
});
console.log("plain answer:", ((await plain.json()) as { answer: string }).answer);
console.log("request id:", plain.headers.get("x-request-id"));

const streamed = await fetch(`${url}/chat`, {
  method: "POST",
  headers: { "content-type": "application/json", "x-request-id": "checkout-42" },
  body: JSON.stringify({ question: "Can I change my plan?", stream: true }),
});
console.log("streamed answer:", await streamed.text());
console.log("request id:", streamed.headers.get("x-request-id"));

server.close();
await loopkit.shutdown();
console.log("delivered:", loopkit.stats().delivered, "events");
