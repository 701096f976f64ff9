/**
 * What a window shows instead of its panels when the host refused the token: an empty shell with
 * "Risk ACTIVE" would claim a session the window cannot see.
 */
export function AuthFailed() {
  return (
    <div className="app">
      <div className="error" role="alert" data-testid="auth-failed" style={{ margin: 24 }}>
        <strong>invalid or expired token</strong> — the engine refused this page&apos;s access token (it is from another run of
        {' '}<code>libra serve</code>, or mistyped). Open the URL <code>libra serve</code> printed; start it with
        {' '}<code>--token-file FILE</code> to keep one token across restarts.
      </div>
    </div>
  );
}
