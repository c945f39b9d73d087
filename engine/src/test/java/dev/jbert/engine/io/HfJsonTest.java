package dev.jbert.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Python's json.dumps(indent=2, sort_keys=True) layout and repr(float), checked against values Python prints. */
class HfJsonTest {
    @Test
    void floatsAsPythonReprPrintsThem() {
        assertEquals("1e-12", HfJson.pythonFloat(1e-12));
        assertEquals("0.1", HfJson.pythonFloat(0.1));
        assertEquals("2.0", HfJson.pythonFloat(2.0));
        assertEquals("100.0", HfJson.pythonFloat(100.0));
        assertEquals("-0.0", HfJson.pythonFloat(-0.0));
        assertEquals("0.0001", HfJson.pythonFloat(1e-4));
        assertEquals("1e-05", HfJson.pythonFloat(1e-5));
        assertEquals("5e-05", HfJson.pythonFloat(5e-5));
        assertEquals("1000000000000000.0", HfJson.pythonFloat(1e15));
        assertEquals("1e+16", HfJson.pythonFloat(1e16));
        assertEquals("1.5e+300", HfJson.pythonFloat(1.5e300));
        assertEquals("123.456", HfJson.pythonFloat(123.456));
        assertEquals("0.30000000000000004", HfJson.pythonFloat(0.1 + 0.2));
        assertEquals("-2.5e-07", HfJson.pythonFloat(-2.5e-7));
        assertEquals("5e-324", HfJson.pythonFloat(Double.MIN_VALUE));
        assertEquals("1.7976931348623157e+308", HfJson.pythonFloat(Double.MAX_VALUE));
        assertEquals("Infinity", HfJson.pythonFloat(Double.POSITIVE_INFINITY));
        assertEquals("NaN", HfJson.pythonFloat(Double.NaN));
    }

    @Test
    void layoutAsJsonDumps() throws Exception {
        String in = "{\"b\": [1, {\"y\": null, \"x\": true}], \"a\": \"caf\u00e9 \\\"q\\\" \\n \\u0001 \ud83d\ude00\", \"e\": {}, \"f\": [],"
                + " \"n\": 12345678901234567890, \"d\": 0.5}";
        // python3 -c 'import json; print(json.dumps(json.loads(IN), indent=2, sort_keys=True))'
        String expected = """
                {
                  "a": "caf\\u00e9 \\"q\\" \\n \\u0001 \\ud83d\\ude00",
                  "b": [
                    1,
                    {
                      "x": true,
                      "y": null
                    }
                  ],
                  "d": 0.5,
                  "e": {},
                  "f": [],
                  "n": 12345678901234567890
                }""";
        assertEquals(expected, HfJson.write(new ObjectMapper().readTree(in)));
    }
}
