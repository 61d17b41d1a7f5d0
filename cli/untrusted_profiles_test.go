package cli

import (
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

// writeProfilesFile writes a profiles file of one profile "ev" at the fake
// server whose client_secret comes from source, in dir with the given
// modes (set after the writes: the umask does not interfere).
func writeProfilesFile(t *testing.T, dir, baseURL, source string, fileMode, dirMode os.FileMode) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "profiles.yaml")
	body := "version: 1\nprofiles:\n  - name: ev\n    base_url: " + baseURL + "\n    account: " + dinterotest.DemoAccount +
		"\n    grant: client_credentials\n    client_id: " + dinterotest.DemoClientID + "\n    secrets:\n      client_secret: \"" + source + "\"\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, fileMode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, dirMode); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
	return path
}

// A profiles file someone else can change runs none of its cmd: sources,
// reads none of its env: sources and gets no stored secret sent to its
// base URL; the error names the file, why and the fix, on one line.
func TestUntrustedProfilesFileRunsAndSendsNothing(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "pwn")
	cmdSource := "cmd:touch " + marker + "; echo " + dinterotest.DemoSecret
	cases := []struct {
		name              string
		source            string
		fileMode, dirMode os.FileMode
		want              []string
		envSecret         bool // $TOKENBENCH_CLIENT_SECRET set: given, not read
	}{
		{"file writable by all", cmdSource, 0o666, 0o700, []string{"can be written by others (mode 0666)", "chmod go-w "}, false},
		{"file writable by group", cmdSource, 0o620, 0o700, []string{"can be written by others (mode 0620)", "chmod go-w "}, false},
		{"directory writable by all", cmdSource, 0o600, 0o777, []string{"which can be written by others (mode 0777)", "chmod go-w "}, false},
		{"env source", "env:SECRET_AWS_KEY", 0o666, 0o777, []string{"can be written by others", "chmod go-w "}, false},
		{"keyring source", "keyring", 0o666, 0o700, []string{"can be written by others", "chmod go-w "}, false},
		{"secret in the environment", "keyring", 0o666, 0o700, []string{"can be written by others", "chmod go-w "}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := fake(t)
			kr := keyringtest.New()
			dir := filepath.Join(t.TempDir(), "hostile")
			path := writeProfilesFile(t, dir, srv.URL, c.source, c.fileMode, c.dirMode)
			if c.source == "keyring" {
				sec := profiles.NewSecrets(&profiles.Store{Dir: dir})
				sec.Keyring = kr
				if err := sec.Put(profiles.Profile{Name: "ev", Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceKeyring}}, profiles.ClientSecret, dinterotest.DemoSecret); err != nil {
					t.Fatal(err)
				}
			}
			env := map[string]string{"SECRET_AWS_KEY": "AKIA-from-my-environment"}
			if c.envSecret {
				env["TOKENBENCH_CLIENT_SECRET"] = dinterotest.DemoSecret
			}
			r := runWithKeyring(t, kr, env, "", "token", "-p", "ev", "--config-dir", dir)
			if r.code == 0 {
				t.Fatalf("token ran: %+v", r)
			}
			for _, want := range append([]string{"profiles file " + path, "cmd:/env: secret sources are not run", "no secret is sent"}, c.want...) {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n != 0 {
				t.Errorf("the error is %d lines:\n%s", n+1, r.stderr)
			}
			assertNoSecrets(t, r, "AKIA-from-my-environment")
			if _, err := os.Stat(marker); err == nil {
				t.Fatal("the command of the profiles file ran")
			}
			if n := srv.Requests(); n != 0 {
				t.Fatalf("%d requests reached the file's base URL", n)
			}
		})
	}
}

// The same file, owned by the user and writable by no one else, runs as
// before; so does one in a sticky directory anyone can write (as /tmp).
func TestTrustedProfilesFileRunsItsCommand(t *testing.T) {
	for _, dirMode := range []os.FileMode{0o700, 0o755, 0o777 | os.ModeSticky} {
		srv := fake(t)
		marker := filepath.Join(t.TempDir(), "ran")
		dir := filepath.Join(t.TempDir(), "mine")
		writeProfilesFile(t, dir, srv.URL, "cmd:touch "+marker+"; echo "+dinterotest.DemoSecret, 0o644, dirMode)
		r := runWithKeyring(t, keyringtest.New(), nil, "", "token", "-p", "ev", "--config-dir", dir)
		if r.code != 0 {
			t.Fatalf("dir mode %o: %+v", dirMode, r)
		}
		if _, err := os.Stat(marker); err != nil {
			t.Fatalf("dir mode %o: the command did not run", dirMode)
		}
	}
}

// A profiles file another user owns (here nobody's, as root can make it)
// is refused even when its mode is strict; the fix is to import it.
func TestProfilesFileOfAnotherUserIsRefused(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to give a file to another user")
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no user nobody")
	}
	uid, _ := strconv.Atoi(nobody.Uid)
	for _, what := range []string{"file", "directory"} {
		t.Run(what, func(t *testing.T) {
			srv := fake(t)
			marker := filepath.Join(t.TempDir(), "pwn")
			dir := filepath.Join(t.TempDir(), "hostile")
			path := writeProfilesFile(t, dir, srv.URL, "cmd:touch "+marker+"; echo "+dinterotest.DemoSecret, 0o644, 0o755)
			owned := path
			if what == "directory" {
				owned = dir
			}
			if err := os.Chown(owned, uid, -1); err != nil {
				t.Fatal(err)
			}
			r := runWithKeyring(t, keyringtest.New(), nil, "", "token", "-p", "ev", "--config-dir", dir)
			if r.code == 0 || !strings.Contains(r.stderr, "owned by another user (uid "+nobody.Uid+")") ||
				!strings.Contains(r.stderr, "tokenbench profile import "+path) {
				t.Fatalf("%+v", r)
			}
			if _, err := os.Stat(marker); err == nil {
				t.Fatal("the command of the profiles file ran")
			}
			if srv.Requests() != 0 {
				t.Fatal("a request was sent")
			}
		})
	}
}

// A profiles file that is a link is judged where it points: a strict file
// in a directory anyone can write is refused however strict the link's
// own directory is.
func TestLinkedProfilesFileIsJudgedWhereItPoints(t *testing.T) {
	srv := fake(t)
	marker := filepath.Join(t.TempDir(), "pwn")
	shared := filepath.Join(t.TempDir(), "shared")
	target := writeProfilesFile(t, shared, srv.URL, "cmd:touch "+marker+"; echo "+dinterotest.DemoSecret, 0o600, 0o777)
	mine := filepath.Join(t.TempDir(), "mine")
	if err := os.Mkdir(mine, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(mine, "profiles.yaml")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	realShared, _ := filepath.EvalSymlinks(shared) // macOS's /tmp is a link
	r := runWithKeyring(t, keyringtest.New(), nil, "", "token", "-p", "ev", "--config-dir", mine)
	if r.code == 0 || !strings.Contains(r.stderr, "is in directory "+realShared+", which can be written by others (mode 0777)") {
		t.Fatalf("%+v", r)
	}
	if _, err := os.Stat(marker); err == nil || srv.Requests() != 0 {
		t.Fatal("the linked file's command ran or a request was sent")
	}
}
