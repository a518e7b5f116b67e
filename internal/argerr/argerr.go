// Package argerr is the one argument-error type: what clients, parsers and
// tools return when an input is wrong, and what the toolkit shows the agent.
//
// The message names the argument, says what is wrong and how to fix it:
//
//	invalid argument `from`: "31/02/2025" has day 31 … Fix: …
//
// A lower layer that does not know what the tool calls its input (a file
// parser sees a path, not `file_path`) leaves Arg empty; the tool names it
// with Named.
package argerr

// Error is a bad argument: which one, what is wrong, how to fix it.
type Error struct {
	Arg     string // the tool's name for the argument; "" until Named
	Problem string // what is wrong, including the offending value
	Fix     string // what to do about it; may be ""
}

func (e *Error) Error() string {
	msg := "invalid argument"
	if e.Arg != "" {
		msg += " `" + e.Arg + "`"
	}
	msg += ": " + e.Problem
	if e.Fix != "" {
		msg += ". Fix: " + e.Fix
	}
	return msg
}

// New returns an *Error.
func New(arg, problem, fix string) error {
	return &Error{Arg: arg, Problem: problem, Fix: fix}
}

// Named names the argument of an *Error that names none, so the message
// says what the tool calls it. Anything else — an *Error that already names
// its argument, another error (even one wrapping an *Error, whose text Named
// could not rewrite), nil — is returned unchanged. err is not modified.
func Named(err error, arg string) error {
	if e, ok := err.(*Error); ok && e.Arg == "" {
		return &Error{Arg: arg, Problem: e.Problem, Fix: e.Fix}
	}
	return err
}
