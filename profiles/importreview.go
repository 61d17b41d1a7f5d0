package profiles

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/textsafe"
)

// ImportReview is a profile from an export file, made safe to save, and
// what the user must be told about it. An export comes from someone else:
// nothing in it may run a command, read this machine's environment or its
// plain-text secrets file, and every place it points at is shown.
type ImportReview struct {
	Profile Profile
	// Changed says what the import changed, one line each.
	Changed []string
	// Check lists what the user should look at before using the profile:
	// where it sends secrets and from where it takes keys, one line each.
	Check []string
}

// ReviewImport makes an imported profile safe to save. Secret sources that
// run a command (cmd:), read the environment (env:) or the plain-text
// secrets file (file), or that this version does not know, become keyring
// (the password: ask); URLs and unusual fields are listed for the user. All
// text is sanitised for the terminal.
func ReviewImport(p Profile) ImportReview {
	r := ImportReview{Profile: p}
	r.Profile.Secrets = map[Kind]Source{}
	kinds := make([]Kind, 0, len(p.Secrets))
	for k := range p.Secrets {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return kinds[i] < kinds[j] })
	for _, k := range kinds {
		src := p.Secrets[k]
		if k == Tokens || !k.valid() {
			r.Changed = append(r.Changed, fmt.Sprintf("dropped the %q secret source (not one an export sets)", textsafe.Sanitize(string(k))))
			continue
		}
		if src == SourceKeyring || src == SourceAsk {
			r.Profile.Secrets[k] = src
			continue
		}
		safe := SourceKeyring
		if k == Password {
			safe = SourceAsk
		}
		r.Profile.Secrets[k] = safe
		r.Changed = append(r.Changed, fmt.Sprintf("%s: %s became %s (an import never %s)", k, describeSource(src), safe, whatSourceDoes(src)))
	}
	if len(r.Profile.Secrets) == 0 {
		r.Profile.Secrets = nil
	}

	if p.BaseURL != "" && strings.TrimRight(p.BaseURL, "/") != client.DefaultBaseURL {
		note := "is not Dintero's API (" + client.DefaultBaseURL + "): its secrets and tokens go there"
		if strings.HasPrefix(strings.ToLower(p.BaseURL), "http:") {
			note += ", over plain http"
		}
		r.Check = append(r.Check, fmt.Sprintf("base url %s %s", shown(p.BaseURL), note))
	}
	if p.JWKSURL != "" {
		if err := checkKeyURL(p.JWKSURL); err != nil {
			r.Profile.JWKSURL = ""
			r.Changed = append(r.Changed, fmt.Sprintf("dropped jwks url %s: %s", shown(p.JWKSURL), err))
		} else {
			r.Check = append(r.Check, fmt.Sprintf("jwks url %s: token signatures are checked against the keys found there", shown(p.JWKSURL)))
		}
	}
	if p.Partner != "" {
		r.Check = append(r.Check, fmt.Sprintf("partner %s: the client is partner %s's and its tokens are exchanged for merchant %s", shown(p.Partner), shown(client.PartnerShort(p.Partner)), shown(p.Account)))
	}
	if p.RedirectURI != "" {
		r.Check = append(r.Check, fmt.Sprintf("redirect uri %s: sent with identity provider codes", shown(p.RedirectURI)))
	}
	if p.AuthorizeURL != "" {
		if u, err := url.Parse(p.AuthorizeURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			r.Profile.AuthorizeURL = ""
			r.Changed = append(r.Changed, fmt.Sprintf("dropped authorize url %s: not an http(s) URL", shown(p.AuthorizeURL)))
		} else {
			r.Check = append(r.Check, fmt.Sprintf("authorize url %s: opened in your browser for an OIDC login", shown(p.AuthorizeURL)))
		}
	}
	if p.OldCode != "" {
		// An older version's one-time code: a secret, and never sent.
		r.Profile.OldCode = ""
		r.Changed = append(r.Changed, "dropped an old authorization code (never sent: authorization_code is the passwordless login now)")
	}
	if p.IdentType == "user_id" {
		r.Check = append(r.Check, fmt.Sprintf("user id %s: its tokens act as that user", shown(p.Ident)))
	}
	if p.Audience != "" && p.Audience != client.DefaultAudience(p.Account) {
		r.Check = append(r.Check, fmt.Sprintf("audience %s is not the account's usual one", shown(p.Audience)))
	}
	for _, f := range []struct{ name, value string }{
		{"base url", p.BaseURL}, {"audience", p.Audience}, {"client id", p.ClientID}, {"username", p.Username},
		{"redirect uri", p.RedirectURI}, {"jwks url", p.JWKSURL}, {"ident", p.Ident}, {"authorize url", p.AuthorizeURL},
		{"connection", p.Connection}, {"customer type", p.CustomerType}, {"ident type", p.IdentType},
	} {
		if f.value != textsafe.Sanitize(f.value) {
			r.Check = append(r.Check, fmt.Sprintf("%s holds control, bidi or invalid characters (shown without them)", f.name))
		}
	}
	if p.Notes != textsafe.SanitizeMultiline(p.Notes) {
		r.Check = append(r.Check, "notes hold control, bidi or invalid characters (shown without them)")
	}
	return r
}

// shown is an imported string as it may reach a terminal: sanitised, in
// quotes so that spaces and look-alikes stand out, and cut when long.
func shown(s string) string {
	return fmt.Sprintf("%q", textsafe.Excerpt([]byte(s), 200))
}

// describeSource names a source without quoting a command line: it is not
// run, and may hold what its author would rather not share.
func describeSource(src Source) string {
	switch {
	case strings.HasPrefix(string(src), "cmd:"):
		return "a command (cmd:…)"
	case strings.HasPrefix(string(src), "env:"):
		return "environment variable " + shown(string(src[4:]))
	case src == SourceFile:
		return "the plain-text secrets file"
	}
	return "source " + shown(string(src))
}

func whatSourceDoes(src Source) string {
	switch {
	case strings.HasPrefix(string(src), "cmd:"):
		return "brings a command across"
	case strings.HasPrefix(string(src), "env:"):
		return "reads your environment"
	case src == SourceFile:
		return "reads the plain-text secrets file: choose it yourself with --insecure-storage"
	}
	return "keeps a source it does not know"
}

// checkKeyURL applies the base URL rules (https, or http to loopback; no
// user info) to a URL keys are fetched from; a query is allowed.
func checkKeyURL(raw string) error { return client.ValidateJWKSURL(raw) }
