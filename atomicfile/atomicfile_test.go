package atomicfile

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Both ways of writing a file atomically: this platform's WriteFile,
// and writeViaTemp, the Windows one, with os.Rename in MoveFileEx's place
// (which is what MoveFileEx with MOVEFILE_REPLACE_EXISTING does there).
func TestAtomicWrite(t *testing.T) {
	ways := map[string]func(string, []byte, os.FileMode) error{
		"platform": WriteFile,
		"via temp": func(path string, data []byte, perm os.FileMode) error {
			return writeViaTemp(path, data, perm, os.Rename)
		},
	}
	for name, write := range ways {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "f.yaml")
			if err := write(path, []byte("one\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			assertContent(t, path, "one\n")
			// An old file that others could read is replaced by a private one.
			if err := os.Chmod(path, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := write(path, []byte("two\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			assertContent(t, path, "two\n")
			if runtime.GOOS != "windows" {
				assertMode(t, path, 0o600)
			}
			assertOnlyFile(t, dir, "f.yaml")
		})
	}
}

// A replace that fails leaves the old file as it was and no temporary file.
func TestAtomicWriteFailureKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.yaml")
	if err := os.WriteFile(path, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	failing := func(from, to string) error { return errors.New("disk on fire") }
	err := writeViaTemp(path, []byte("new\n"), 0o600, failing)
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("got %v", err)
	}
	assertContent(t, path, "old\n")
	assertOnlyFile(t, dir, "f.yaml")

	// The platform way, onto a path that cannot be replaced (a directory
	// with something in it).
	blocked := filepath.Join(dir, "blocked")
	if err := os.MkdirAll(filepath.Join(blocked, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(blocked, []byte("new\n"), 0o600); err == nil {
		t.Fatal("replaced a directory")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("left behind: %v", entries)
	}
}

func assertContent(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil || string(got) != want {
		t.Fatalf("%s: %q, %v; want %q", path, got, err, want)
	}
}

func assertOnlyFile(t *testing.T, dir, name string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != name {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("%s holds %v, want only %s", dir, names, name)
	}
}

// The atomic write builds for Windows (renameio.WriteFile does not exist
// there). .ci/run cross-compiles the whole binary for every release target;
// this catches it in a plain go test.
func TestBuildsForWindows(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles for another platform")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	cmd := exec.Command(goTool, "build", "-o", os.DevNull, ".")
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	cmd.Dir = "."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("GOOS=windows go build ./atomicfile: %v\n%s", err, out)
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != want {
		t.Fatalf("%s has mode %o, want %o", path, fi.Mode().Perm(), want)
	}
}

// A symbolic link at the path is replaced, never written through: a HAR
// or bundle name planted as a link to another file must not overwrite it.
func TestWriteReplacesASymlinkAndTightensTheMode(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim.txt")
	if err := os.WriteFile(victim, []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "out.har")
	if err := os.Symlink(victim, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if err := WriteFile(link, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(victim); string(data) != "keep me\n" {
		t.Fatalf("written through the link: victim holds %q", data)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink != 0 {
		t.Fatalf("the link is still a link: %v %v", fi.Mode(), err)
	}
	assertMode(t, link, 0o600)
	// An existing loose file gets the mode asked for.
	loose := filepath.Join(dir, "pre.har")
	_ = os.WriteFile(loose, []byte("old"), 0o644)
	if err := WriteFile(loose, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	assertMode(t, loose, 0o600)
}
