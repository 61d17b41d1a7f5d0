package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// A passwordless login's bundle holds the exchanges it is about: the code
// issued for the user, the token exchange, and names the user.
func TestPasswordlessBundleKeepsTheLogin(t *testing.T) {
	srv := fake(t)
	dir := t.TempDir()
	if r := runCLI(t, secretEnv, "", pwArgs(srv, "--ident", dinterotest.DemoCustomer)...); r.code != ExitNeedCode {
		t.Fatal(r.stderr)
	}
	vc := lastCode(t, srv).BindingCode
	uid := srv.UserID(dinterotest.DemoUser)
	for _, c := range []struct {
		name, user string
		args       []string
		paths      []string
	}{
		{"ident", dinterotest.DemoCustomer, pwArgs(srv, "--ident", dinterotest.DemoCustomer, "--verification-code", vc), []string{"/auth/token"}},
		{"user-id", uid, pwArgs(srv, "--user-id", uid), []string{"/auth/passwordless/code", "/auth/token"}},
	} {
		zipFile := filepath.Join(dir, c.name+".zip")
		r := runCLI(t, secretEnv, "", append(c.args, "--bundle", zipFile)...)
		if r.code != 0 {
			t.Fatalf("%s: exit %d %s", c.name, r.code, r.stderr)
		}
		all := readBundleHAR(t, zipFile)
		if strings.Contains(all, "other exchange(s) of the session were left out") || strings.Contains(all, "| user | none |") {
			t.Fatalf("%s: the login is left out of the bundle:\n%s", c.name, all)
		}
		if !strings.Contains(all, "| user | "+strings.ReplaceAll(c.user, "@", `\@`)+" |") || !strings.Contains(all, "authorization_code") {
			t.Fatalf("%s: the bundle does not name the user or hold the login:\n%s", c.name, all)
		}
		for _, p := range c.paths {
			if !strings.Contains(all, p) {
				t.Fatalf("%s: no %s exchange in the bundle:\n%s", c.name, p, all)
			}
		}
	}
}

// The first step of an e-mail login (the code sent, exit 3) is the user's too.
func TestPasswordlessStartBundleKeepsTheRequest(t *testing.T) {
	srv := fake(t)
	zipFile := filepath.Join(t.TempDir(), "start.zip")
	r := runCLI(t, secretEnv, "", pwArgs(srv, "--ident", dinterotest.DemoCustomer, "--bundle", zipFile)...)
	if r.code != ExitNeedCode {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	all := readBundleHAR(t, zipFile)
	if !strings.Contains(all, "/auth/passwordless") || strings.Contains(all, "other exchange(s) of the session were left out") ||
		!strings.Contains(all, `| user | customer\@example.com |`) {
		t.Fatalf("the code request is left out:\n%s", all)
	}
}
