package ui

import tea "charm.land/bubbletea/v2"

// Test helpers that build a state through the workbench's own navigation,
// as a key would: they construct, they read nothing.

// openPage shows p on top, as an openPageMsg from a page would.
func (m *Model) openPage(p Page) {
	m.Update(openPageMsg{page: p})
}

// openFormPage opens f as the request's form.
func (m *Model) openFormPage(f formModel) {
	m.flow.openFormWith(f, formSetup{})
	m.size()
}

// openDiagnose opens the diagnose screen as the token view's u would.
func (m *Model) openDiagnose(src diagnoseSource, user string) tea.Cmd {
	cmd := m.flow.openDiagnose(src, user)
	m.size()
	return cmd
}
