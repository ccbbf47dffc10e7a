// SPDX-License-Identifier: Apache-2.0
// Text that a terminal shows as text. Recorded argv, comm, file paths, model
// output and host names are chosen by the traced agent (or by whoever named a
// file it touched); printed raw, an ESC or C1 byte starts a control sequence
// that can retitle the window, recolour or erase lines, or move the cursor
// back over an alert. Every human-readable output passes such strings
// through printable() first. JSON outputs need no pass: the encoder already
// writes control characters as \u00XX.
#pragma once

#include <string>
#include <string_view>

namespace agentsight {

// `s` with everything a terminal could act on spelled out, and all other
// text (printable ASCII, well-formed UTF-8) kept as it is:
//  - C0 controls and DEL as \xNN (ESC -> \x1b, CR -> \x0d, newline -> \x0a);
//  - bytes that are not well-formed UTF-8 as \xNN (so a raw 0x9b, the 8-bit
//    CSI, cannot reach a terminal);
//  - C1 controls encoded as UTF-8 (U+0080..U+009F), the bidirectional
//    formatting controls (U+061C, U+200E/F, U+202A..E, U+2066..9) that can
//    reorder a line so it reads as something else, and the line and
//    paragraph separators U+2028/9, as \uNNNN.
// A backslash stays a backslash, so printable(printable(s)) == printable(s):
// a message escaped once can be quoted again without growing.
std::string printable(std::string_view s);

}  // namespace agentsight
