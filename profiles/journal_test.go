package profiles

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The journal of rotated refresh tokens, through the files it writes: a
// rotation appends to secrets.journal and leaves secrets.yaml as it was;
// reads replay it, skipping a record a crash cut; a fold cut by a crash
// (before or after secrets.yaml was rewritten) loses nothing and never
// brings back an older token; the journal is private like the file.
func TestRotationJournal(t *testing.T) {
	dir := t.TempDir()
	st := &Store{Dir: dir}
	sec := &Secrets{Store: st}
	p := Profile{Name: "rt", Account: "T11223344", Grant: "refresh_token", ClientID: "c",
		Secrets: map[Kind]Source{ClientSecret: SourceFile, RefreshToken: SourceFile}}
	if err := st.Add(p); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[Kind]string{ClientSecret: "cs", RefreshToken: "rt_0"} {
		if err := sec.Put(p, k, v); err != nil {
			t.Fatal(err)
		}
	}
	yamlPath, journal := filepath.Join(dir, SecretsFileName), filepath.Join(dir, JournalFileName)
	before, _ := os.ReadFile(yamlPath)
	for _, rt := range []string{"rt_1", "rt_2", "rt_3"} {
		if err := sec.StoreRotated(p, rt); err != nil {
			t.Fatal(err)
		}
	}
	if after, _ := os.ReadFile(yamlPath); string(after) != string(before) {
		t.Fatalf("a rotation rewrote secrets.yaml:\n%s", after)
	}
	if fi, err := os.Stat(journal); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("journal: %v %v", fi, err)
	}
	wantRT := func(want string) {
		t.Helper()
		got, err := (&Secrets{Store: st}).Get(context.Background(), p, RefreshToken) // a new process
		if err != nil || got != want {
			t.Fatalf("refresh token %q, %v; want %q", got, err, want)
		}
	}
	wantRT("rt_3")

	// A record cut by a crash, and one whose bytes were damaged.
	appendTo(t, journal, "00000000 {\"p\":\"rt\",\"k\":\"refresh_token\",\"v\":\"rt_damaged\"}\n")
	appendTo(t, journal, "1a2b3c4d {\"p\":\"rt\",\"k\":\"refresh_tok")
	wantRT("rt_3")
	// The next record after a cut one is read whole.
	if err := sec.StoreRotated(p, "rt_3b"); err != nil {
		t.Fatal(err)
	}
	wantRT("rt_3b")

	// A fold killed after it took the journal, before it wrote
	// secrets.yaml, with a clock that has since gone back; then a
	// rotation into a new journal.
	taken := journal + ".18000000000000000000"
	if err := os.Rename(journal, taken); err != nil {
		t.Fatal(err)
	}
	if err := sec.StoreRotated(p, "rt_4"); err != nil {
		t.Fatal(err)
	}
	wantRT("rt_4")

	// A rewrite folds both in and removes them.
	if err := sec.Put(p, ClientSecret, "cs2"); err != nil {
		t.Fatal(err)
	}
	wantRT("rt_4")
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), JournalFileName) {
			t.Fatalf("left after the fold: %s", entryNames(entries))
		}
	}
	data, _ := os.ReadFile(yamlPath)
	if !strings.Contains(string(data), "rt_4") || !strings.Contains(string(data), foldedPrefix) {
		t.Fatalf("secrets.yaml after the fold:\n%s", data)
	}

	// A fold killed after it wrote secrets.yaml, before it removed the
	// journal it folded: that journal is not replayed over newer values.
	folded := foldedIn(data)
	if err := os.WriteFile(filepath.Join(dir, JournalFileName+"."+folded), mustRecord(t, "rt", RefreshToken, "rt_old"), 0o600); err != nil {
		t.Fatal(err)
	}
	wantRT("rt_4")
	if err := sec.Put(p, ClientSecret, "cs3"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, JournalFileName+"."+folded)); err == nil {
		t.Fatal("a folded journal was kept")
	}

	// A journal others can read is refused, as the file is.
	if runtime.GOOS != "windows" {
		if err := sec.StoreRotated(p, "rt_5"); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(journal, 0o644); err != nil {
			t.Fatal(err)
		}
		var loose *LooseFileError
		if _, err := sec.Get(context.Background(), p, RefreshToken); !errors.As(err, &loose) {
			t.Fatalf("a loose journal: %v", err)
		}
		if err := sec.StoreRotated(p, "rt_6"); !errors.As(err, &loose) {
			t.Fatalf("appending to a loose journal: %v", err)
		}
		if err := sec.CheckFile(); !errors.As(err, &loose) {
			t.Fatalf("CheckFile: %v", err)
		}
	}
}

func appendTo(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func mustRecord(t *testing.T, profile string, k Kind, v string) []byte {
	t.Helper()
	rec, err := encodeRecord(journalRecord{Profile: profile, Kind: k, Value: v})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// A journal planted as a symbolic link is not written through: the record
// (a live refresh token) would go wherever it points.
func TestRotationJournalRefusesALink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.Symlink(victim, filepath.Join(dir, JournalFileName)); err != nil {
		t.Fatal(err)
	}
	sec := &Secrets{Store: &Store{Dir: dir}}
	p := Profile{Name: "rt", Secrets: map[Kind]Source{RefreshToken: SourceFile}}
	if err := sec.StoreRotated(p, "rt_live"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Lstat(victim); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the link's target was written: %v", err)
	}
}
