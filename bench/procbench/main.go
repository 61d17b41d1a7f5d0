// Command procbench measures tokenbench as whole processes: `token` against
// curl doing the same request to the same local fake server (paired runs,
// median ratio), and `decode` on a typical token. It prints ratios, not
// pass/fail: machines here are shared and noisy.
//
//	go run ./bench/procbench -bin ./tokenbench -n 60
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/textsafe"
)

func main() {
	bin := flag.String("bin", "./tokenbench", "tokenbench binary to measure")
	n := flag.Int("n", 60, "paired runs")
	flag.Parse()
	if err := run(*bin, *n); err != nil {
		fmt.Fprintln(os.Stderr, "procbench:", err)
		os.Exit(1)
	}
}

func run(bin string, n int) error {
	if _, err := exec.LookPath("curl"); err != nil {
		return fmt.Errorf("curl is needed for the comparison: %w", err)
	}
	srv, err := dinterotest.NewServer(dinterotest.DemoConfig(time.Hour))
	if err != nil {
		return err
	}
	defer srv.Close()
	aud := client.DefaultAudience(dinterotest.DemoAccount)
	url := srv.URL + "/accounts/" + dinterotest.DemoAccount + "/auth/token"
	curl := []string{"curl", "-sS", "-f", "-o", "/dev/null", "-u", dinterotest.DemoClientID + ":" + dinterotest.DemoSecret,
		"-H", "Content-Type: application/json", "-H", "Accept: application/json",
		"-d", `{"grant_type":"client_credentials","audience":"` + aud + `"}`, url}
	tb := []string{bin, "token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID}
	env := append(os.Environ(), "TOKENBENCH_CLIENT_SECRET="+dinterotest.DemoSecret)

	// Warm up both (page cache, first connection).
	for range 3 {
		if _, err := timeRun(curl, env); err != nil {
			return fmt.Errorf("curl: %w", err)
		}
		if _, err := timeRun(tb, env); err != nil {
			return fmt.Errorf("tokenbench token: %w", err)
		}
	}
	var curlT, tbT, ratios []time.Duration
	for i := range n {
		// Alternate which goes first so drift hits both alike.
		a, b := curl, tb
		if i%2 == 1 {
			a, b = tb, curl
		}
		ta, err := timeRun(a, env)
		if err != nil {
			return err
		}
		tbb, err := timeRun(b, env)
		if err != nil {
			return err
		}
		if i%2 == 1 {
			ta, tbb = tbb, ta
		}
		curlT, tbT = append(curlT, ta), append(tbT, tbb)
		ratios = append(ratios, tbb*1000/ta) // per mille
	}
	fmt.Printf("token vs curl, %d paired runs on a loopback fake server\n", n)
	fmt.Printf("  curl             median %v\n", median(curlT))
	fmt.Printf("  tokenbench token median %v\n", median(tbT))
	fmt.Printf("  ratio (median of paired ratios) %.3f   target <= 1.1\n", float64(median(ratios))/1000)

	cmd := exec.Command(tb[0], tb[1:]...)
	cmd.Env = env
	tokOut, err := cmd.Output()
	if err != nil {
		return err
	}
	dec := []string{bin, "decode", strings.TrimSpace(string(tokOut))}
	var decT []time.Duration
	for range n {
		d, err := timeRun(dec, env)
		if err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		decT = append(decT, d)
	}
	var trueT []time.Duration
	for range n {
		d, err := timeRun([]string{"true"}, env)
		if err != nil {
			return err
		}
		trueT = append(trueT, d)
	}
	fmt.Printf("decode, whole process, %d runs: median %v   target <= 5ms\n", n, median(decT))
	fmt.Printf("  (spawning /bin/true from here takes %v; decode beyond that: %v)\n", median(trueT), median(decT)-median(trueT))

	// The same machine's floor for a Go program: a hello-world, built
	// here, in paired runs with decode.
	hello, cleanup, err := buildHello()
	if err != nil {
		return err
	}
	defer cleanup()
	var helloT, decRatios []time.Duration
	for i := range n {
		a, b := []string{hello}, dec
		if i%2 == 1 {
			a, b = dec, []string{hello}
		}
		ta, err := timeRun(a, env)
		if err != nil {
			return err
		}
		tbb, err := timeRun(b, env)
		if err != nil {
			return err
		}
		if i%2 == 1 {
			ta, tbb = tbb, ta
		}
		helloT = append(helloT, ta)
		decRatios = append(decRatios, tbb*1000/ta)
	}
	fmt.Printf("decode vs a Go hello-world, %d paired runs: hello median %v, ratio (median of paired) %.2f   target <= 2\n",
		n, median(helloT), float64(median(decRatios))/1000)
	return nil
}

// buildHello builds a Go hello-world with the same toolchain.
func buildHello() (string, func(), error) {
	dir, err := os.MkdirTemp("", "procbench-hello")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { _ = os.RemoveAll(dir) }
	src := "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello, world\") }\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module hello\n\ngo 1.26\n"), 0o600); err != nil {
		cleanup()
		return "", nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o600); err != nil {
		cleanup()
		return "", nil, err
	}
	bin := filepath.Join(dir, "hello")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("building hello-world: %v: %s", err, out)
	}
	return bin, cleanup, nil
}

func timeRun(argv, env []string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = env
	start := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("%s: %v: %s", argv[0], err, textsafe.Excerpt(out, 200))
	}
	return d, nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
