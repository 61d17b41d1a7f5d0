package cli

import (
	"context"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/flows"
)

// fuzzSecret makes a fuzzed value into a secret its field can carry: a
// prefix found nowhere else (so the check cannot match ordinary output),
// trimmed as the secret readers trim, at least 8 bytes, valid UTF-8 where
// it travels in JSON, visible ASCII where it travels in a header.
func fuzzSecret(prefix, s string, utf8Only, headerOnly bool) string {
	if utf8Only {
		s = strings.ToValidUTF8(s, "")
	}
	if headerOnly {
		s = strings.Map(func(r rune) rune {
			if r < 0x21 || r > 0x7e {
				return -1
			}
			return r
		}, s)
	}
	s = strings.TrimSpace(prefix + s)
	for len(s) < 8 {
		s += "_"
	}
	return s
}

// digitsSecret is a binding code made from s: twelve digits (a code that
// is not digits is refused before it is sent).
func digitsSecret(s string) string {
	h := fnv.New64a()
	h.Write([]byte(s))
	return fmt.Sprintf("7%011d", h.Sum64()%100000000000)
}

// FuzzNoSecretInAnyOutput sends random secrets through every grant to a
// proxy that quotes each request back in its error body and headers, and
// looks for any encoding of any secret on stderr (the error line and -v),
// in the HAR, and in the exchanges' curl copies and text. Its seed corpus
// runs with plain go test.
func FuzzNoSecretInAnyOutput(f *testing.F) {
	f.Add(`cs<&>"\x`, `pw<script>&"ü€`, "rt/+=%", "code?&=", "482913", "eyJhbGci.e30.sig", uint8(0))
	f.Add("secret with  spaces\t", "pässwörd\u2028\u0085", "refresh\x00tok", "a b+c", "000000", "bearer", uint8(1))
	f.Add("\xff\xfe\x00binary", "\u202epassword\u2066", "r", "c", "1", "b/+==", uint8(2))
	f.Add("::colon:secret::", "%41%42 pct", "\\u003c", "\"q\"", "12 34", "x.y.z", uint8(3))
	f.Fuzz(func(t *testing.T, secret, password, refresh, code, binding, bearer string, mode uint8) {
		const clientID = "fuzz-client"
		secrets := map[string]string{
			"client secret": fuzzSecret("Cs7", secret, false, false),
			"password":      fuzzSecret("Pw7", password, true, false),
			"refresh token": fuzzSecret("Rt7", refresh, true, false),
			"code":          fuzzSecret("Ac7", code, true, false),
			"binding code":  digitsSecret(binding), // anything else is refused before it is sent
			"mfa_token":     fuzzSecret("Mt7", binding, true, false),
			"oob_code":      fuzzSecret("Oc7", binding, true, false),
			"Bearer":        fuzzSecret("Br7", bearer, false, true),
		}
		if !utf8.ValidString(secrets["code"]) {
			t.Skip()
		}
		srv := echoServer(t, echoMode(mode)%echoModeCount)
		env := map[string]string{
			"TOKENBENCH_CLIENT_SECRET": secrets["client secret"], "TOKENBENCH_PASSWORD": secrets["password"],
			"TOKENBENCH_REFRESH_TOKEN": secrets["refresh token"], "TOKENBENCH_BEARER": secrets["Bearer"],
		}
		grants := [][]string{
			{"--grant", "client_credentials"},
			{"--grant", "password", "--username", "me@example.com"},
			{"--grant", "oidc", "--code", secrets["code"]},
			{"--grant", "authorization_code", "--ident", "me@example.com", "--verification-code", secrets["code"]},
			{"--grant", "refresh_token"},
			{"--grant", "account_user_token"},
			{"--grant", "mfa-oob", "--mfa-token", secrets["mfa_token"], "--oob-code", secrets["oob_code"], "--binding-code", secrets["binding code"]},
		}
		// The flag values are the user's own command line; what must not
		// leak is what the tool prints and writes.
		for _, g := range grants {
			har := filepath.Join(t.TempDir(), "s.har")
			args := append([]string{"token", "--base-url", srv.URL, "--account", "T11223344", "--client-id", clientID, "-v", "--har", har}, g...)
			r := runCLI(t, env, "", args...)
			if r.code != ExitRejected || r.stdout != "" {
				t.Fatalf("%v: %+v", g, r)
			}
			assertNoEncoding(t, fmt.Sprintf("stderr of %v", g[1]), r.stderr, secrets, clientID)
			data, err := os.ReadFile(har)
			if err != nil {
				t.Fatal(err)
			}
			assertNoEncoding(t, fmt.Sprintf("HAR of %v", g[1]), string(data), secrets, clientID)
		}

		// The same requests through the flows layer, for the curl copies
		// and the text the TUI's log shows.
		rd := &record.Redactor{}
		rec := &record.Recorder{Redactor: rd}
		c, err := client.New(client.Options{BaseURL: srv.URL, Recorder: rec, Redactor: rd})
		if err != nil {
			t.Fatal(err)
		}
		rn := flows.NewRunner(c)
		base := flows.Request{Account: "T11223344", ClientID: clientID, ClientSecret: secrets["client secret"], Bearer: secrets["Bearer"]}
		for _, req := range []flows.Request{
			{Account: base.Account, ClientID: clientID, ClientSecret: base.ClientSecret},
			{Account: base.Account, Grant: client.GrantPassword, Bearer: base.Bearer, Username: "u", Password: secrets["password"]},
			{Account: base.Account, Grant: client.GrantOIDC, Bearer: base.Bearer, ClientID: clientID, Code: secrets["code"]},
			{Account: base.Account, Grant: client.GrantAuthorizationCode, Bearer: base.Bearer, ClientID: clientID, IdentType: flows.IdentEmail, Ident: "me@example.com", VerificationCode: secrets["code"]},
			{Account: base.Account, Grant: client.GrantRefreshToken, Bearer: base.Bearer, RefreshToken: secrets["refresh token"]},
			{Account: base.Account, Grant: client.GrantAccountUserToken, Bearer: base.Bearer},
			{Account: base.Account, Grant: client.GrantMFAOOB, Bearer: base.Bearer, MFAToken: secrets["mfa_token"], OOBCode: secrets["oob_code"], BindingCode: secrets["binding code"]},
		} {
			_, _, err := rn.Start(context.Background(), req)
			if err == nil {
				t.Fatalf("%s: the proxy let it through", req.Grant)
			}
			assertNoEncoding(t, "error of "+string(req.Grant), err.Error(), secrets, clientID)
		}
		for _, e := range rec.Exchanges() {
			assertNoEncoding(t, "curl copy", e.Curl(), secrets, clientID)
			assertNoEncoding(t, "exchange text", e.Text(), secrets, clientID)
		}
	})
}
