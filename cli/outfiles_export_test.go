package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

// profile export FILE writes a new file: one already there, or a link
// (even to nowhere), is refused with exit 2 and left as it was; --force
// replaces the file itself, never what a link points at.
func TestProfileExportNeverOverwrites(t *testing.T) {
	kr := keyringtest.New()
	root := t.TempDir()
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": filepath.Join(root, "cfg"), "TOKENBENCH_CLIENT_SECRET": "s3cr3t-value"}
	if r := runWithKeyring(t, kr, env, "", "profile", "add", "p", "--account", "T11223344", "--client-id", "c"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	existing := filepath.Join(root, "notes.txt")
	target := filepath.Join(root, "target.txt")
	link := filepath.Join(root, "link.yaml")
	for _, f := range []string{existing, target} {
		if err := os.WriteFile(f, []byte("keep me\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{existing, link} {
		r := runWithKeyring(t, kr, env, "", "profile", "export", path)
		if r.code != 2 || !strings.Contains(r.stderr, "the file exists; not replaced (--force replaces it)") {
			t.Fatalf("export over %s: %+v", path, r)
		}
	}
	for _, f := range []string{existing, target} {
		if data, _ := os.ReadFile(f); string(data) != "keep me\n" {
			t.Fatalf("%s changed: %q", f, data)
		}
	}
	if r := runWithKeyring(t, kr, env, "", "profile", "export", ""); r.code != 2 {
		t.Fatalf("export to an empty name: %+v", r)
	}
	fresh := filepath.Join(root, "fresh.yaml")
	if r := runWithKeyring(t, kr, env, "", "profile", "export", fresh); r.code != 0 {
		t.Fatalf("export to a new file: %+v", r)
	}
	if fi, err := os.Stat(fresh); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("new export: %v %v", fi, err)
	}
	if r := runWithKeyring(t, kr, env, "", "profile", "export", "--force", link); r.code != 0 {
		t.Fatalf("export --force: %+v", r)
	}
	if data, _ := os.ReadFile(target); string(data) != "keep me\n" {
		t.Fatalf("--force wrote through the link: %q", data)
	}
	if data, _ := os.ReadFile(link); !strings.Contains(string(data), "name: p") {
		t.Fatalf("--force export: %q", data)
	}
}
