package flows

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/textsafe"
)

// The OIDC exchange (contract §1b): a code from the account's outside
// identity provider, exchanged at auth/oidc/token. No PKCE: Dintero
// exchanges the code with the provider and takes no code_verifier.

// BrowserLoginTimeout is how long a browser login waits for the redirect.
const BrowserLoginTimeout = 5 * time.Minute

// Errors of a browser login.
var (
	ErrLoginTimeout = errors.New("no redirect from the identity provider within 5 minutes")
)

// ExchangeOIDC exchanges req.Code (with req.RedirectURI, when the code was
// issued for one) for a token. The Result's UserInfo is the provider's
// user_info.
func (rn *Runner) ExchangeOIDC(ctx context.Context, req Request) (*Result, error) {
	req = req.Normalized()
	req.NoteSecrets(rn.Client.Redactor())
	if strings.TrimSpace(req.Code) == "" {
		return nil, fmt.Errorf("%w: the identity provider's code is required", client.ErrInvalidInput)
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	auth, chained, err := rn.authFor(ctx, req)
	if err != nil {
		return nil, err
	}
	res, err := rn.Client.OIDCToken(ctx, req.Account, auth, client.OIDCRequest{
		Code: strings.TrimSpace(req.Code), ClientID: req.ClientID, Audience: req.Audience, RedirectURI: req.RedirectURI,
	})
	if err != nil {
		return nil, err
	}
	return newResult(req, res, auth, chained, false), nil
}

// UserInfo is the provider's user_info of an OIDC token answer; nil for
// other grants.
func (r *Result) UserInfo() any {
	if r.Response == nil {
		return nil
	}
	return r.Response.Fields["user_info"]
}

// BrowserLogin waits on loopback for an identity provider to redirect a
// browser back with a code.
type BrowserLogin struct {
	// URL is the authorize URL to open: the provider's, with
	// response_type, redirect_uri and state added.
	URL string
	// RedirectURI is where the provider sends the browser back.
	RedirectURI string

	state string
	srv   *http.Server
	got   chan redirectResult
}

type redirectResult struct {
	code string
	err  error
}

// maxErrorDescription bounds the provider's error_description in the
// error a refused login ends with.
const maxErrorDescription = 200

// StartBrowserLogin listens on exactly the loopback host and port of
// redirectURI (every loopback address of localhost), else on a free port
// of 127.0.0.1, and builds the URL to open. Close it.
func StartBrowserLogin(authorizeURL, redirectURI string) (*BrowserLogin, error) {
	au, err := url.Parse(strings.TrimSpace(authorizeURL))
	if err != nil || (au.Scheme != "https" && au.Scheme != "http") || au.Host == "" {
		return nil, fmt.Errorf("%w: the authorize URL %q is not an http(s) URL", client.ErrInvalidInput, textsafe.Sanitize(authorizeURL))
	}
	hosts, port, path := []string{"127.0.0.1"}, "0", "/callback"
	if redirectURI != "" {
		ru, err := url.Parse(redirectURI)
		host := ""
		if err == nil {
			host = ru.Hostname()
		}
		ip := net.ParseIP(host)
		if err != nil || ru.Scheme != "http" || !(strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") || (ip != nil && ip.IsLoopback())) {
			return nil, fmt.Errorf("%w: a browser login needs a loopback http redirect URI (http://127.0.0.1:PORT/...), not %q", client.ErrInvalidInput, textsafe.Sanitize(redirectURI))
		}
		switch port = ru.Port(); {
		case port == "":
			port = "80"
		case strings.TrimLeft(port, "0") == "":
			return nil, fmt.Errorf("%w: the redirect URI %q has port 0, which the identity provider cannot redirect to; name the port to listen on", client.ErrInvalidInput, textsafe.Sanitize(redirectURI))
		}
		if ip != nil {
			hosts = []string{ip.String()}
		} else {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			addrs, err := client.LoopbackAddrs(ctx, host)
			cancel()
			if err != nil {
				return nil, fmt.Errorf("%w: the redirect URI's %v; use http://127.0.0.1:%s%s", client.ErrInvalidInput, err, port, textsafe.Sanitize(ru.EscapedPath()))
			}
			hosts = uniqueIPs(addrs)
		}
		if ru.Path != "" {
			path = ru.Path
		}
	}
	var ls []net.Listener
	for _, h := range hosts {
		addr := net.JoinHostPort(h, port)
		l, err := net.Listen("tcp", addr)
		if err != nil {
			for _, l := range ls {
				l.Close()
			}
			return nil, fmt.Errorf("listening for the redirect on %s: %w", addr, err)
		}
		ls = append(ls, l)
	}
	if redirectURI == "" {
		redirectURI = "http://" + ls[0].Addr().String() + path
	}
	b := &BrowserLogin{RedirectURI: redirectURI, state: randomState(), got: make(chan redirectResult, 1)}
	q := au.Query()
	q.Set("response_type", "code")
	q.Set("redirect_uri", redirectURI)
	q.Set("state", b.state)
	au.RawQuery = q.Encode()
	b.URL = au.String()
	mux := http.NewServeMux()
	mux.HandleFunc(path, b.callback)
	b.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	for _, l := range ls {
		go func() { _ = b.srv.Serve(l) }()
	}
	return b, nil
}

// uniqueIPs is addrs in canonical form, each once.
func uniqueIPs(addrs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range addrs {
		if ip := net.ParseIP(a); ip != nil {
			a = ip.String()
		}
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

func randomState() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (b *BrowserLogin) callback(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil || len(q["state"]) != 1 || subtle.ConstantTimeCompare([]byte(q["state"][0]), []byte(b.state)) != 1 ||
		len(q["code"]) > 1 || len(q["error"]) > 1 {
		// Not this login's redirect (any local process or web page can
		// send one): refused, and the login keeps waiting.
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, "<!doctype html><title>tokenbench</title><h1>Not this login's redirect</h1><p>The state is missing, wrong or repeated, or the code is repeated. The login goes on waiting.</p>\n")
		return
	}
	var res redirectResult
	switch {
	case q.Get("error") != "":
		res.err = fmt.Errorf("the identity provider refused the login: %s %s", textsafe.Cut(textsafe.Sanitize(q.Get("error")), 64),
			textsafe.Cut(textsafe.Sanitize(q.Get("error_description")), maxErrorDescription))
	case q.Get("code") == "":
		res.err = errors.New("the identity provider's redirect carries no code")
	default:
		res.code = q.Get("code")
	}
	if res.err != nil {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "<!doctype html><title>tokenbench</title><h1>Login refused</h1><p>%s</p><p>You can close this tab.</p>\n", html.EscapeString(res.err.Error()))
	} else {
		// Not "signed in": the code is exchanged for a token after this
		// page, and Dintero may still refuse it. The terminal tells.
		fmt.Fprint(w, "<!doctype html><title>tokenbench</title><h1>Code received</h1><p>tokenbench has the code and now exchanges it for a token. Return to the terminal to see whether the sign-in succeeded. You can close this tab.</p>\n")
	}
	select {
	case b.got <- res:
	default: // the login already ended
	}
}

// Wait returns the code of the first redirect with this login's state, or
// why there is none: the provider's error, ctx ending, or timeout firing
// (a nil timeout never fires: the caller ends ctx).
// A redirect with another state is refused and the login waits on.
func (b *BrowserLogin) Wait(ctx context.Context, timeout <-chan time.Time) (string, error) {
	select {
	case r := <-b.got:
		return r.code, r.err
	case <-timeout:
		return "", ErrLoginTimeout
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Close stops listening.
func (b *BrowserLogin) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = b.srv.Shutdown(ctx)
}
