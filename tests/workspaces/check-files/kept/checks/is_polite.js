module.exports = (output) => /please|thank/i.test(output);
