package ui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// arrivals reports the async results the program hands to Update, so a test
// can send its next key once the screen has what it needs, without polling
// the output or sleeping.
type arrivals chan tea.Msg

func (a arrivals) filter(_ tea.Model, msg tea.Msg) tea.Msg {
	switch msg.(type) {
	case sentMsg, challengeMsg, verifyMsg, recoveryMsg, navTokenMsg, mfaTokenMsg:
		a <- msg
	}
	return msg
}

func (a arrivals) wait(t *testing.T, what string) tea.Msg {
	t.Helper()
	select {
	case msg := <-a:
		return msg
	case <-time.After(10 * time.Second):
		t.Fatalf("no answer while waiting for %s", what)
		return nil
	}
}

// TestMFAFlowWithLiveRenderer runs the whole MFA flow in a real Bubble Tea
// program with its renderer drawing (spinner frames included) while the
// challenge and verify commands run: under -race this catches any command
// that writes state View reads (issue 9, item 16).
func TestMFAFlowWithLiveRenderer(t *testing.T) {
	clk := &testClock{now: fixedNow}
	srv := demoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	got := make(arrivals, 16)
	tm := teatest.NewTestModel(t, New(ctx), teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithFilter(got.filter)))

	tm.Send(keyMsg("j"))
	tm.Send(keyMsg("enter"))
	if msg := got.wait(t, "mfa_required").(sentMsg).msg.(resultMsg); msg.session == nil {
		t.Fatalf("no MFA session: %v", msg.err)
	}
	// The connection's channel (SMS) is challenged at once.
	if msg := got.wait(t, "the challenge").(challengeMsg); msg.err != nil {
		t.Fatal(msg.err)
	}
	code := srv.LastBindingCode(dinterotest.DemoMFAUser)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	tm.Type(wrong)
	tm.Send(keyMsg("enter"))
	if msg := got.wait(t, "the wrong code's answer").(verifyMsg); msg.err == nil {
		t.Fatal("a wrong code was accepted")
	}
	tm.Send(keyMsg("ctrl+w")) // switch to e-mail: a new challenge
	if msg := got.wait(t, "the second challenge").(challengeMsg); msg.err != nil {
		t.Fatal(msg.err)
	}
	tm.Type(srv.LastBindingCode(dinterotest.DemoMFAUser))
	tm.Send(keyMsg("enter"))
	if msg := got.wait(t, "the token").(verifyMsg); msg.err != nil {
		t.Fatal(msg.err)
	}
	got.wait(t, "the token shown") // the MFA screen hands it to the root
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	view := viewText(final)
	if !strings.Contains(view, "password via MFA") || strings.Contains(view, code) {
		t.Fatalf("final screen:\n%s", view)
	}
}

// TestRecoveryWithLiveRenderer runs the lost-device recovery in a real
// program with its renderer drawing while the recovery's commands run: under
// -race this catches a command writing the session View reads.
func TestRecoveryWithLiveRenderer(t *testing.T) {
	clk := &testClock{now: fixedNow}
	srv := demoServer(t, clk)
	got := make(arrivals, 16)
	tm := teatest.NewTestModel(t, New(flowContext(t, clk, srv)), teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithFilter(got.filter)))
	for range 3 {
		tm.Send(keyMsg("j"))
	}
	tm.Send(keyMsg("enter"))
	got.wait(t, "mfa_required")
	got.wait(t, "the challenge")
	tm.Send(keyMsg("L"))
	// L asks before the first code goes out: y once the question shows.
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Start the lost-device recovery")) },
		teatest.WithDuration(10*time.Second))
	tm.Send(keyMsg("y"))
	if msg := got.wait(t, "the recovery call").(recoveryMsg); msg.err != nil {
		t.Fatal(msg.err)
	}
	first := srv.LastBindingCode(dinterotest.DemoLostDeviceUser)
	tm.Type(wrongCode(first))
	tm.Send(keyMsg("enter"))
	if msg := got.wait(t, "the wrong first code").(recoveryMsg); msg.err == nil {
		t.Fatal("a wrong code was accepted")
	}
	tm.Type(first)
	tm.Send(keyMsg("enter"))
	if msg := got.wait(t, "step 2").(recoveryMsg); msg.err != nil || msg.session.Step != 2 {
		t.Fatalf("step 1: %v", msg.err)
	}
	second := srv.LastBindingCode(dinterotest.DemoLostDeviceUser)
	tm.Type(wrongCode(second))
	tm.Send(keyMsg("enter"))
	if msg := got.wait(t, "the wrong second code").(recoveryMsg); msg.err == nil {
		t.Fatal("a wrong second code was accepted")
	}
	tm.Type(second)
	tm.Send(keyMsg("enter"))
	if msg := got.wait(t, "the token").(recoveryMsg); msg.err != nil || msg.res == nil {
		t.Fatalf("step 2: %v", msg.err)
	}
	got.wait(t, "the token shown") // the page hands it to the root
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	view := viewText(final)
	if !strings.Contains(view, "user:"+dinterotest.DemoLostDeviceUser) || strings.Contains(view, second) {
		t.Fatalf("final screen:\n%s", view)
	}
}
