package profiles

import (
	"bufio"
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/atomicfile"
)

// Issue 18 item 10: a process writing the profiles and the plain secrets
// file over and over is killed with SIGKILL at random moments. No copy of
// either is ever in $TMPDIR (the temp files go beside their target), and
// the next start leaves the config directory with no temp file in it and
// the secret readable.
func TestKilledWritesLeaveNoCopies(t *testing.T) {
	if os.Getenv("TOKENBENCH_WRITE_DIR") != "" {
		t.Skip("helper process")
	}
	if testing.Short() {
		t.Skip("kills child processes")
	}
	root := t.TempDir()
	tmp := filepath.Join(root, "tmp") // on the config directory's file system
	dir := filepath.Join(root, "cfg")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	leftInDir := 0
	for kill := range 12 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKilledWritesHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), "TOKENBENCH_WRITE_DIR="+dir, "TMPDIR="+tmp)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Once it writes, a random moment later.
		if _, err := bufio.NewReader(stdout).ReadString('\n'); err != nil {
			t.Fatalf("kill %d: the helper did not start: %v", kill, err)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(40 * time.Millisecond))))
		_ = cmd.Process.Kill()
		_ = cmd.Wait()

		if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
			t.Fatalf("kill %d: $TMPDIR holds %s", kill, entryNames(entries))
		}
		for _, name := range []string{FileName, SecretsFileName} {
			if found, _ := atomicfile.Stale(filepath.Join(dir, name)); len(found) > 0 {
				leftInDir++
			}
		}
		// The next start.
		st := &Store{Dir: dir}
		p, err := st.Get("w")
		if err != nil {
			t.Fatalf("kill %d: %v", kill, err)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if atomicfile.IsTemp(e.Name(), FileName) || atomicfile.IsTemp(e.Name(), SecretsFileName) {
				t.Fatalf("kill %d: after the next start the config directory holds %s", kill, entryNames(entries))
			}
		}
		v, err := (&Secrets{Store: st}).Get(context.Background(), p, ClientSecret)
		if err != nil || !strings.HasPrefix(v, "secret-") {
			t.Fatalf("kill %d: the secret reads %q, %v", kill, v, err)
		}
	}
	t.Logf("%d of 12 kills left a temp file in the config directory; the next start removed each", leftInDir)
}

// TestKilledWritesHelper writes the profiles file and the secrets file
// until it is killed.
func TestKilledWritesHelper(t *testing.T) {
	dir := os.Getenv("TOKENBENCH_WRITE_DIR")
	if dir == "" {
		t.Skip("helper of TestKilledWritesLeaveNoCopies")
	}
	st := &Store{Dir: dir}
	sec := &Secrets{Store: st}
	p := Profile{Name: "w", Account: "T11223344", Grant: "client_credentials", ClientID: "c", Secrets: map[Kind]Source{ClientSecret: SourceFile}}
	if _, err := st.Get("w"); err != nil {
		if err := st.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := sec.Put(p, ClientSecret, "secret-first"); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("writing\n")
	for i := 0; ; i++ {
		if err := sec.Put(p, ClientSecret, "secret-"+strings.Repeat(strconv.Itoa(i), 2000)); err != nil {
			t.Fatal(err)
		}
		q := p
		q.Notes = strconv.Itoa(i)
		if err := st.Put("w", q); err != nil {
			t.Fatal(err)
		}
	}
}

// Copies that older versions left in $TMPDIR (renameio's naming there) are
// removed at the next start when they are this user's profiles or secrets
// files, and nothing else is touched.
func TestStartRemovesOldCopiesFromTMPDIR(t *testing.T) {
	if os.Getenv("TOKENBENCH_START_DIR") != "" {
		// The next start, in a process of its own (the $TMPDIR sweep runs
		// once a process).
		if _, err := (&Store{Dir: os.Getenv("TOKENBENCH_START_DIR")}).Load(); err != nil {
			t.Fatal(err)
		}
		return
	}
	tmp, dir := t.TempDir(), t.TempDir()
	files := map[string]string{
		".secrets.yaml5577006791947779410":  secretsHeader + ", chosen with --insecure-storage.\nshop:\n  client_secret: s3cret\n",
		".profiles.yaml8674665223082153551": profilesHeader + " No secrets here\n",
		".secrets.yaml123":                  "someone else's file\n",
		".secrets.yamlx1":                   secretsHeader + "\n",
		"notes.txt":                         "keep\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(tmp, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestStartRemovesOldCopiesFromTMPDIR$", "-test.count=1")
	cmd.Env = append(os.Environ(), "TOKENBENCH_START_DIR="+dir, "TMPDIR="+tmp)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	entries, _ := os.ReadDir(tmp)
	if got, want := entryNames(entries), ".secrets.yaml123 .secrets.yamlx1 notes.txt"; got != want {
		t.Fatalf("$TMPDIR holds %s, want %s", got, want)
	}
}

func entryNames(entries []os.DirEntry) string {
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return strings.Join(names, " ")
}
