import { LATEST_API_VERSION } from '../versioning/versions.js';

/**
 * Ready-to-run request samples in the four languages the docs promise: curl, Node.js, Python and C#. They are
 * written into the document as `x-codeSamples`, which Scalar shows instead of its generated clients.
 */
export interface CodeSample {
  lang: string;
  label: string;
  source: string;
}

export interface SampleRequest {
  method: string;
  /** Base URL of the server, without a trailing slash. */
  baseUrl: string;
  /** Path with every parameter already substituted by an example value. */
  path: string;
  /** JSON body, or undefined for requests without one. */
  body: unknown;
  secured: boolean;
}

/** The labels, in the order the docs show them; tests check every operation carries exactly these. */
export const SAMPLE_LABELS = ['curl', 'Node.js', 'Python', 'C#'] as const;

/** Wraps a string for a POSIX shell so no character inside it is interpreted. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A Python literal for a JSON value: JSON's true/false/null are not Python, and strings must stay intact. */
function pythonLiteral(value: unknown, indent: string): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number' || typeof value === 'string') return JSON.stringify(value);
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => `${inner}${pythonLiteral(item, inner)},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  const lines = entries.map(
    ([key, item]) => `${inner}${JSON.stringify(key)}: ${pythonLiteral(item, inner)},`,
  );
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function curlSample({ method, baseUrl, path, body, secured }: SampleRequest): string {
  return [
    `curl -X ${method} ${shellQuote(`${baseUrl}${path}`)}`,
    ...(secured ? ['  -H "Authorization: Bearer $PUNCHCLOCK_API_KEY"'] : []),
    `  -H "X-Api-Version: ${LATEST_API_VERSION}"`,
    ...(body === undefined
      ? []
      : ['  -H "Content-Type: application/json"', `  -d ${shellQuote(JSON.stringify(body))}`]),
  ].join(' \\\n');
}

function nodeSample({ method, baseUrl, path, body, secured }: SampleRequest): string {
  const json = body === undefined ? undefined : JSON.stringify(body, null, 2).replace(/\n/g, '\n  ');
  return [
    `const response = await fetch('${baseUrl}${path}', {`,
    `  method: '${method}',`,
    '  headers: {',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: this is JavaScript source shown to readers, not a template.
    ...(secured ? ['    Authorization: `Bearer ${process.env.PUNCHCLOCK_API_KEY}`,'] : []),
    `    'X-Api-Version': '${LATEST_API_VERSION}',`,
    ...(json === undefined ? [] : ["    'Content-Type': 'application/json',"]),
    '  },',
    ...(json === undefined ? [] : [`  body: JSON.stringify(${json}),`]),
    '});',
    'console.log(response.status, await response.json());',
  ].join('\n');
}

function pythonSample({ method, baseUrl, path, body, secured }: SampleRequest): string {
  return [
    ...(secured ? ['import os', ''] : []),
    'import requests',
    '',
    'response = requests.request(',
    `    "${method}",`,
    `    "${baseUrl}${path}",`,
    '    headers={',
    ...(secured ? ['        "Authorization": f"Bearer {os.environ[\'PUNCHCLOCK_API_KEY\']}",'] : []),
    `        "X-Api-Version": "${LATEST_API_VERSION}",`,
    '    },',
    ...(body === undefined ? [] : [`    json=${pythonLiteral(body, '    ')},`]),
    ')',
    'print(response.status_code, response.json())',
  ].join('\n');
}

function csharpSample({ method, baseUrl, path, body, secured }: SampleRequest): string {
  return [
    ...(secured ? ['using System.Net.Http.Headers;'] : []),
    ...(body === undefined ? [] : ['using System.Text;']),
    '',
    'using var client = new HttpClient();',
    ...(secured
      ? [
          'client.DefaultRequestHeaders.Authorization =',
          '    new AuthenticationHeaderValue("Bearer", Environment.GetEnvironmentVariable("PUNCHCLOCK_API_KEY"));',
        ]
      : []),
    `client.DefaultRequestHeaders.Add("X-Api-Version", "${LATEST_API_VERSION}");`,
    '',
    `var request = new HttpRequestMessage(new HttpMethod("${method}"), "${baseUrl}${path}");`,
    ...(body === undefined
      ? []
      : [
          // A C# string literal of the JSON text: JSON.stringify of a string escapes quotes the way C# reads them.
          `request.Content = new StringContent(${JSON.stringify(JSON.stringify(body))}, Encoding.UTF8, "application/json");`,
        ]),
    'var response = await client.SendAsync(request);',
    'Console.WriteLine($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");',
  ]
    .join('\n')
    .trimStart();
}

export function codeSamples(request: SampleRequest): CodeSample[] {
  return [
    { lang: 'Shell', label: 'curl', source: curlSample(request) },
    { lang: 'JavaScript', label: 'Node.js', source: nodeSample(request) },
    { lang: 'Python', label: 'Python', source: pythonSample(request) },
    { lang: 'C#', label: 'C#', source: csharpSample(request) },
  ];
}
