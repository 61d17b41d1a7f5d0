package ui

import (
	"context"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/ui/common"
)

// sigChecker checks tokens' signatures for the token view and the
// inspector, and keeps the outcomes for the session.
type sigChecker struct {
	ctx *common.Context
	// base is the base URL of the request being worked on.
	base      func() string
	verifiers map[string]*tokeninfo.KeyVerifier // by base URL
	sigs      map[string]string                 // by access token
	urls      map[string]string                 // the keys each access token was checked with
	lastJWKS  string
	// keysBearer reads the account's keys endpoint (Dintero's JWKS, which wants a Bearer): the last token
	// when it may, else its flow's client token.
	keysBearer string
}

func newSigChecker(ctx *common.Context, base func() string) *sigChecker {
	return &sigChecker{ctx: ctx, base: base, verifiers: map[string]*tokeninfo.KeyVerifier{}, sigs: map[string]string{}, urls: map[string]string{}}
}

// check starts checking res's signature with the keys at url, unless it
// was checked already.
func (c *sigChecker) check(res *flows.Result, url string) tea.Cmd {
	if url == "" || res.Token == nil {
		return nil
	}
	c.lastJWKS = url
	fallback := ""
	if b, ok := res.Auth.(client.BearerAuth); ok {
		fallback = b.Token
	}
	c.keysBearer = tokeninfo.KeysBearer(res.Response.AccessToken, fallback)
	c.urls[res.Response.AccessToken] = url
	if _, done := c.sigs[res.Response.AccessToken]; done {
		return nil
	}
	return c.verifyCmd(res.Response.AccessToken, url)
}

// checkLike checks res's signature with the keys old's was checked with:
// res took old's place (an auto-refresh). When old's was not checked, the
// keys of res's issuer, as the inspector finds them.
func (c *sigChecker) checkLike(old, res *flows.Result) tea.Cmd {
	url := c.urls[old.Response.AccessToken]
	if url == "" {
		url = c.keysURLForIssuer(res)
	}
	return c.check(res, url)
}

// verifyCmd checks raw's signature with the keys at url, through the
// session's KeyVerifier for that base URL: keys kept per account (or per
// explicit URL), fetched again when a token names a kid they lack (the
// account rotated its key), and the whole check bounded by the client's
// timeout. An account's keys endpoint under the request's base URL is read
// with a Bearer; any other URL is an explicit key set, read without.
func (c *sigChecker) verifyCmd(raw, url string) tea.Cmd {
	base, src := client.DefaultBaseURL, tokeninfo.KeySource{JWKSURL: url}
	if b := strings.TrimRight(c.base(), "/"); b != "" {
		if rest, ok := strings.CutPrefix(url, b+"/accounts/"); ok {
			if acct, ok := strings.CutSuffix(rest, "/auth/keys"); ok && client.ValidateOwnerID(acct) == nil {
				base, src = b, tokeninfo.KeySource{Account: acct, Bearer: c.keysBearer}
			}
		}
	}
	v, err := c.keyVerifier(base)
	if err != nil {
		return func() tea.Msg { return common.SigMsg{Token: raw, URL: url, Err: err} }
	}
	return func() tea.Msg {
		return common.SigMsg{Token: raw, URL: url, Ver: v.Verify(context.Background(), raw, src)}
	}
}

// keyVerifier is the session's verifier for base, made on first use over
// the app's client for it (recorded in the HTTP log, with its timeout).
func (c *sigChecker) keyVerifier(base string) (*tokeninfo.KeyVerifier, error) {
	if v := c.verifiers[base]; v != nil {
		return v, nil
	}
	runner, err := c.ctx.NewRunner(base)
	if err != nil {
		return nil, err
	}
	v := tokeninfo.NewKeyVerifier(runner.Client)
	v.Now = c.ctx.Now // an expired token is not its own Bearer
	c.verifiers[base] = v
	return v, nil
}

// done keeps a signature check's outcome for the token view.
func (c *sigChecker) done(msg common.SigMsg) {
	c.sigs[msg.Token] = common.SigText(msg)
}

// sigFor is the signature line the token view shows for an access token:
// the check's outcome, or "checking…" while one is under way.
func (c *sigChecker) sigFor(token string) string {
	sig := c.sigs[token]
	if sig == "" && c.lastJWKS != "" {
		return "checking…"
	}
	return sig
}

// keysURLForIssuer is the keys endpoint of an inspected token's account,
// when its issuer is an account's auth under a base URL this session uses
// (the last request's, the default, Dintero's); "" otherwise.
func (c *sigChecker) keysURLForIssuer(res *flows.Result) string {
	if res == nil || res.Token == nil {
		return ""
	}
	iss := strings.TrimRight(res.Token.Issuer, "/")
	current := c.base()
	for _, base := range []string{current, c.ctx.DefaultBaseURL, client.DefaultBaseURL} {
		base = strings.TrimRight(base, "/")
		acct, ok := strings.CutPrefix(iss, base+"/accounts/")
		if base == "" || !ok {
			continue
		}
		if acct, ok = strings.CutSuffix(acct, "/auth"); ok && client.ValidateOwnerID(acct) == nil {
			return client.KeysURL(base, acct)
		}
	}
	// No issuer to go by: the account id claim, on the current base URL.
	if aid, _ := res.Token.Claims["aid"].(string); current != "" && client.ValidateOwnerID(aid) == nil {
		return client.KeysURL(current, aid)
	}
	return ""
}
