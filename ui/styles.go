package ui

import "github.com/charmbracelet/lipgloss"

// Styles are built once from a theme; View() never makes new styles.
// Colours are adaptive, and the renderer drops them under NO_COLOR.
type Styles struct {
	Title     lipgloss.Style
	Crumb     lipgloss.Style
	Rule      lipgloss.Style
	Label     lipgloss.Style
	Value     lipgloss.Style
	Muted     lipgloss.Style
	Error     lipgloss.Style
	Warn      lipgloss.Style
	OK        lipgloss.Style
	Cursor    lipgloss.Style
	Selected  lipgloss.Style
	Test      lipgloss.Style
	Prod      lipgloss.Style
	Notice    lipgloss.Style
	Status    lipgloss.Style
	StatusErr lipgloss.Style
	Body      lipgloss.Style

	CountOK   lipgloss.Style
	CountWarn lipgloss.Style
	CountCrit lipgloss.Style
	Expired   lipgloss.Style
}

// DefaultStyles is the default theme on renderer r.
func DefaultStyles(r *lipgloss.Renderer) Styles {
	var (
		accent = lipgloss.AdaptiveColor{Light: "#5A56E0", Dark: "#7D79F6"}
		muted  = lipgloss.AdaptiveColor{Light: "#6B6B6B", Dark: "#8A8A8A"}
		green  = lipgloss.AdaptiveColor{Light: "#0B7A3E", Dark: "#3FD07F"}
		yellow = lipgloss.AdaptiveColor{Light: "#8A6100", Dark: "#F2C94C"}
		orange = lipgloss.AdaptiveColor{Light: "#B54708", Dark: "#FF9F43"}
		red    = lipgloss.AdaptiveColor{Light: "#B42318", Dark: "#FF6B6B"}
	)
	s := Styles{}
	s.Title = r.NewStyle().Bold(true).Foreground(accent)
	s.Crumb = r.NewStyle().Foreground(muted)
	s.Rule = r.NewStyle().Foreground(muted)
	s.Label = r.NewStyle().Foreground(muted).Width(11)
	s.Value = r.NewStyle()
	s.Muted = r.NewStyle().Foreground(muted)
	s.Error = r.NewStyle().Foreground(red)
	s.Warn = r.NewStyle().Foreground(yellow)
	s.OK = r.NewStyle().Foreground(green)
	s.Cursor = r.NewStyle().Foreground(accent).Bold(true)
	s.Selected = r.NewStyle().Foreground(accent).Bold(true)
	s.Test = r.NewStyle().Foreground(green).Bold(true)
	s.Prod = r.NewStyle().Bold(true).Foreground(lipgloss.Color("#FFFFFF")).Background(red)
	s.Notice = r.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(yellow).Padding(0, 1)
	s.Status = r.NewStyle().Foreground(green)
	s.StatusErr = r.NewStyle().Foreground(red)
	s.Body = r.NewStyle().Padding(0, 1)
	s.CountOK = r.NewStyle().Foreground(green).Bold(true)
	s.CountWarn = r.NewStyle().Foreground(yellow).Bold(true)
	s.CountCrit = r.NewStyle().Foreground(orange).Bold(true)
	s.Expired = r.NewStyle().Foreground(red).Bold(true).Reverse(true)
	return s
}
