// The official openai npm package as a client of Nyx, run by io.nyx.app.NodeSdkTest against a
// running Nyx in front of the fake vLLM: node sdk.mjs <base url, e.g. http://127.0.0.1:8080/v1>.
// Each check prints "ok - name" or "not ok - name" with the reason; the exit code is the number of
// failed checks (0: all passed). NodeSdkTest then reads what the fake vLLM was sent, to see that
// the fields the SDK sent were passed on as sent (markers: seed 4242, user "node-sdk").
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const baseURL = process.argv[2];
if (!baseURL) {
  console.error('usage: node sdk.mjs <base url>');
  process.exit(2);
}
const client = new OpenAI({ baseURL, apiKey: 'not-needed', maxRetries: 0 });

const tools = [
  {
    type: 'function',
    function: {
      name: 'calendar_lookup',
      description: 'Finds events',
      parameters: { type: 'object', properties: { query: { type: 'string' } } },
    },
  },
];

async function refused(params, field) {
  try {
    await client.chat.completions.create(params);
  } catch (e) {
    assert.ok(e instanceof OpenAI.BadRequestError, `expected a 400, got ${e}`);
    assert.equal(e.param, field);
    return e;
  }
  assert.fail(`${field}: expected a 400`);
}

const checks = {
  async modelsListAndRetrieve() {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    assert.ok(ids.includes('nyx') && ids.includes('nyx/kairos'), ids.join(','));
    assert.equal((await client.models.retrieve('nyx')).id, 'nyx');
    assert.equal((await client.models.retrieve('nyx/kairos')).id, 'nyx/kairos');
    await assert.rejects(client.models.retrieve('gpt-4o'), OpenAI.NotFoundError);
  },

  async samplingFieldsArePassedOn() {
    const c = await client.chat.completions.create({
      model: 'nyx/kairos',
      messages: [{ role: 'user', content: 'What should I do first today?' }],
      stop: ['do'],
      seed: 4242,
      frequency_penalty: 0.5,
      presence_penalty: -0.25,
      logit_bias: { 1234: -100 },
      user: 'node-sdk',
      max_completion_tokens: 40,
    });
    assert.equal(c.choices[0].message.content, '[kairos] You asked: What should I ');
    assert.equal(c.choices[0].finish_reason, 'stop');
  },

  async nAboveOneAndUnsupportedFieldsAreRefused() {
    const n = await refused(
      { model: 'nyx', messages: [{ role: 'user', content: 'hi' }], n: 2 },
      'n',
    );
    assert.match(n.message, /one answer per request/);
    await refused(
      { model: 'nyx', messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'low' },
      'reasoning_effort',
    );
    await refused(
      { model: 'nyx', messages: [{ role: 'user', content: 'hi' }], top_k: 5 },
      'top_k',
    );
  },

  async jsonObjectAndJsonSchema() {
    const object = await client.chat.completions.create({
      model: 'nyx/kairos',
      messages: [{ role: 'user', content: 'Plan my day as JSON' }],
      response_format: { type: 'json_object' },
    });
    assert.match(JSON.parse(object.choices[0].message.content).answer, /Plan my day/);
    const schema = await client.chat.completions.create({
      model: 'nyx/kairos',
      messages: [{ role: 'user', content: 'How urgent?' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'priority',
          strict: true,
          schema: { type: 'object', properties: { level: { enum: ['high', 'low'] } } },
        },
      },
    });
    assert.equal(JSON.parse(schema.choices[0].message.content).level, 'high');
  },

  async logprobsAreReturnedWhenAsked() {
    const c = await client.chat.completions.create({
      model: 'nyx/kairos',
      messages: [{ role: 'user', content: 'Which task first?' }],
      logprobs: true,
      top_logprobs: 3,
    });
    const tokens = c.choices[0].logprobs.content;
    assert.equal(tokens.map((t) => t.token).join(''), c.choices[0].message.content);
    assert.equal(tokens[0].top_logprobs.length, 3);
    assert.ok(Array.isArray(tokens[0].bytes));
    assert.ok(c.nyx.confidence > 0, 'Nyx still scores the answer');
  },

  async logprobsStream() {
    const stream = await client.chat.completions.create({
      model: 'nyx/kairos',
      messages: [{ role: 'user', content: 'Which task first?' }],
      stream: true,
      stream_options: { include_usage: true },
      logprobs: true,
      top_logprobs: 2,
    });
    let text = '';
    let tokens = 0;
    let usage = null;
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        text += choice.delta.content ?? '';
        for (const t of choice.logprobs?.content ?? []) {
          assert.equal(t.top_logprobs.length, 2);
          tokens++;
        }
      }
      usage = chunk.usage ?? usage;
    }
    assert.match(text, /^\[kairos\] You asked: Which task first\?/);
    assert.ok(tokens > 0);
    assert.ok(usage.completion_tokens > 0);
  },

  async aToolCallingConversationTakesBothTurns() {
    const messages = [{ role: 'user', content: 'When is my dentist?' }];
    const first = await client.chat.completions.create({ model: 'nyx/kairos', messages, tools });
    const asked = first.choices[0].message;
    assert.equal(first.choices[0].finish_reason, 'tool_calls');
    assert.equal(asked.content, null);
    const call = asked.tool_calls[0];
    assert.equal(call.function.name, 'calendar_lookup');
    assert.deepEqual(JSON.parse(call.function.arguments), { query: 'When is my dentist?' });
    // The usual way: the response message goes back as it came, then the tool's result.
    messages.push(asked);
    messages.push({ role: 'tool', tool_call_id: call.id, content: 'Tuesday 9:00' });
    const second = await client.chat.completions.create({ model: 'nyx/kairos', messages, tools });
    assert.equal(second.choices[0].finish_reason, 'stop');
    assert.match(second.choices[0].message.content, /When is my dentist\?/);
  },

  async toolCallsStream() {
    const stream = client.chat.completions.stream({
      model: 'nyx/kairos',
      messages: [{ role: 'user', content: 'Book the dentist' }],
      tools,
      tool_choice: { type: 'function', function: { name: 'calendar_lookup' } },
      parallel_tool_calls: false,
    });
    const done = await stream.finalChatCompletion();
    const choice = done.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.tool_calls[0].function.name, 'calendar_lookup');
    assert.deepEqual(JSON.parse(choice.message.tool_calls[0].function.arguments), {
      query: 'Book the dentist',
    });
  },
};

let failed = 0;
for (const [name, check] of Object.entries(checks)) {
  try {
    await check();
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}: ${e?.stack ?? e}`);
  }
}
console.log(`${Object.keys(checks).length - failed} of ${Object.keys(checks).length} checks passed`);
process.exit(failed);
