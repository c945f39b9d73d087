package dev.jbert.trainer.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Hugging Face's JSON layout: Python's indent=2 and Python's float repr. */
class OnnxHfJsonTest {
    @Test
    void floatsArePrintedAsPythonDoes() {
        assertEquals("1e-12", HfJson.pythonFloat(1e-12));
        assertEquals("1e-05", HfJson.pythonFloat(1e-5));
        assertEquals("0.0001", HfJson.pythonFloat(1e-4));
        assertEquals("0.1", HfJson.pythonFloat(0.1));
        assertEquals("0.02", HfJson.pythonFloat(0.02));
        assertEquals("-2.5", HfJson.pythonFloat(-2.5));
        assertEquals("123.0", HfJson.pythonFloat(123));
        assertEquals("1e+16", HfJson.pythonFloat(1e16));
        assertEquals("1.5e-07", HfJson.pythonFloat(1.5e-7));
        assertEquals("0.0", HfJson.pythonFloat(0));
    }

    @Test
    void layoutIsPythonIndentTwo() {
        ObjectNode o = HfJson.MAPPER.createObjectNode();
        o.putArray("a").add("x").add(1);
        o.putArray("empty");
        o.putObject("none");
        o.put("eps", 1e-12);
        o.putNull("n");
        assertEquals("{\n  \"a\": [\n    \"x\",\n    1\n  ],\n  \"empty\": [],\n  \"none\": {},\n  \"eps\": 1e-12,\n"
                + "  \"n\": null\n}\n", HfJson.toText(o));
    }
}
