/** Test data shared by the redaction tests and the message canary. */

/** Secret-shaped values of every documented kind (none is real). */
export const SECRETS: Record<string, string> = {
  'google oauth client secret': 'GOCSPX-k3Jd8sLq0PzX4vWm9TnR2aBcDeF1',
  'cloudflare api token (40 chars)': 'YQSn-xWAQiiEh9qM58wZNnyQS7FUdoqGIUAbrh7T',
  'r2 secret access key (64 hex)': '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  'tunnel token (base64 json)': 'eyJhIjoiMDEyMzQ1Njc4OWFiY2RlZiIsInQiOiI1ZjFlMmQzYyJ9',
  'jwt': 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ',
  'entra client secret': 'kR88Q~Yf0PVRxIRnUqX8tE9vRrGHd1.nKqQ7bYx',
  'cloudflare global api key (37 hex)': '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4',
  'base64 key': 'q8Zr3Lm0Vt6Xk2Pw9Ys1Nb4Hc7Jd5Fg0',
  'aws style secret': 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'pem block': '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----',
};
