package org.workervoice.testing

/**
 * Just enough JSON for the hub's admin API in tests: [parse] returns maps,
 * lists, strings, doubles, booleans and nulls; [quote] writes a string.
 */
object Json {
    fun parse(text: String): Any? {
        val reader = Reader(text)
        val value = reader.value()
        reader.skipSpace()
        require(reader.atEnd()) { "trailing characters in JSON at ${reader.at}" }
        return value
    }

    fun quote(text: String): String = buildString {
        append('"')
        for (c in text) {
            when {
                c == '"' -> append("\\\"")
                c == '\\' -> append("\\\\")
                c < ' ' -> append("\\u%04x".format(c.code))
                else -> append(c)
            }
        }
        append('"')
    }

    private class Reader(private val text: String) {
        var at = 0

        fun atEnd() = at >= text.length

        fun skipSpace() {
            while (!atEnd() && text[at].isWhitespace()) at++
        }

        fun value(): Any? {
            skipSpace()
            require(!atEnd()) { "unexpected end of JSON" }
            return when (text[at]) {
                '{' -> obj()
                '[' -> array()
                '"' -> string()
                't' -> literal("true", true)
                'f' -> literal("false", false)
                'n' -> literal("null", null)
                else -> number()
            }
        }

        private fun literal(word: String, value: Any?): Any? {
            require(text.startsWith(word, at)) { "bad literal at $at" }
            at += word.length
            return value
        }

        private fun number(): Double {
            val start = at
            while (!atEnd() && text[at] in "+-0123456789.eE") at++
            return text.substring(start, at).toDoubleOrNull() ?: error("bad number at $start")
        }

        private fun string(): String {
            expect('"')
            val out = StringBuilder()
            while (true) {
                require(!atEnd()) { "unterminated string" }
                val c = text[at++]
                when (c) {
                    '"' -> return out.toString()
                    '\\' -> {
                        when (val escaped = text[at++]) {
                            'n' -> out.append('\n')
                            't' -> out.append('\t')
                            'r' -> out.append('\r')
                            'b' -> out.append('\b')
                            'f' -> out.append('\u000c')
                            'u' -> {
                                out.append(text.substring(at, at + 4).toInt(16).toChar())
                                at += 4
                            }
                            else -> out.append(escaped)
                        }
                    }
                    else -> out.append(c)
                }
            }
        }

        private fun array(): List<Any?> {
            expect('[')
            val items = mutableListOf<Any?>()
            skipSpace()
            if (text[at] == ']') return items.also { at++ }
            while (true) {
                items += value()
                skipSpace()
                if (text[at++] == ']') return items
                require(text[at - 1] == ',') { "expected , or ] at ${at - 1}" }
            }
        }

        private fun obj(): Map<String, Any?> {
            expect('{')
            val fields = linkedMapOf<String, Any?>()
            skipSpace()
            if (text[at] == '}') return fields.also { at++ }
            while (true) {
                skipSpace()
                val key = string()
                skipSpace()
                expect(':')
                fields[key] = value()
                skipSpace()
                if (text[at++] == '}') return fields
                require(text[at - 1] == ',') { "expected , or } at ${at - 1}" }
            }
        }

        private fun expect(c: Char) {
            require(!atEnd() && text[at] == c) { "expected '$c' at $at" }
            at++
        }
    }
}

/** The string field [key] of a parsed JSON object. */
fun Any?.str(key: String): String =
    ((this as? Map<*, *>)?.get(key) as? String) ?: error("no string field '$key' in $this")

/** The array field [key] of a parsed JSON object. */
fun Any?.list(key: String): List<Any?> =
    ((this as? Map<*, *>)?.get(key) as? List<*>)?.toList() ?: error("no array field '$key' in $this")
