import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { renderChartSvg } from './chart-svg.js';
import type { ChartSpec, Kpi, ReportDocument, TableSpec } from './report-document.js';

const MARGIN = 40;
const CHART_HEIGHT = 210;
const ROW_HEIGHT = 15;
const KPI_COLUMNS = 3;
const KPI_HEIGHT = 50;
const GREY = '#666666';

/**
 * Lays a report out on A4 pages with pdfkit's built-in Helvetica: title, KPI boxes, then each chart
 * (ECharts SVG drawn as vectors by svg-to-pdfkit) and table in order, breaking pages between blocks and
 * table rows (repeating the header). Writes `file`; resolves its page count.
 */
export async function renderReportPdf(report: ReportDocument, file: string): Promise<{ pages: number }> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: report.title, Subject: report.subtitle, Producer: 'Broxiva Analytics' },
  });
  const out = createWriteStream(file);
  doc.pipe(out);
  const width = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - MARGIN - 20;
  const ensure = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage();
  };

  doc.font('Helvetica-Bold').fontSize(20).fillColor('black').text(report.title, MARGIN, MARGIN);
  doc.font('Helvetica').fontSize(10).fillColor(GREY).text(report.subtitle).moveDown(1);
  drawKpis(doc, report.kpis, width);

  for (const block of report.blocks) {
    if (block.kind === 'chart') {
      ensure(CHART_HEIGHT + 10);
      drawChart(doc, block, width);
    } else {
      ensure(3 * ROW_HEIGHT + 20);
      drawTable(doc, block, width, bottom);
    }
    doc.moveDown(1);
  }

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Text below the bottom margin would start a new page: lift the margin while writing the footer.
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN;
    doc.font('Helvetica').fontSize(8).fillColor(GREY);
    doc.text(report.footer, MARGIN, y, { width, align: 'left', lineBreak: false });
    doc.text(`Page ${i + 1} of ${range.count}`, MARGIN, y, { width, align: 'right', lineBreak: false });
  }
  doc.end();
  await once(out, 'finish');
  return { pages: range.count };
}

function drawKpis(doc: PDFKit.PDFDocument, kpis: readonly Kpi[], width: number): void {
  const gap = 8;
  const boxWidth = (width - gap * (KPI_COLUMNS - 1)) / KPI_COLUMNS;
  const top = doc.y;
  kpis.forEach((k, i) => {
    const x = MARGIN + (i % KPI_COLUMNS) * (boxWidth + gap);
    const y = top + Math.floor(i / KPI_COLUMNS) * (KPI_HEIGHT + gap);
    doc.roundedRect(x, y, boxWidth, KPI_HEIGHT, 4).fillAndStroke('#f4f6fa', '#dde3ec');
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(GREY)
      .text(k.label, x + 8, y + 7, { width: boxWidth - 16 });
    doc
      .font('Helvetica-Bold')
      .fontSize(14)
      .fillColor('black')
      .text(k.value, x + 8, y + 19, { width: boxWidth - 16 });
    const colour = k.trend > 0 ? '#1e8a4c' : k.trend < 0 ? '#c0392b' : GREY;
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(colour)
      .text(`${k.change} vs previous`, x + 8, y + 37);
  });
  const rows = Math.ceil(kpis.length / KPI_COLUMNS);
  doc.x = MARGIN;
  doc.y = top + rows * (KPI_HEIGHT + gap) + 6;
}

function drawChart(doc: PDFKit.PDFDocument, chart: ChartSpec, width: number): void {
  const svg = renderChartSvg(chart, Math.round(width), CHART_HEIGHT);
  SVGtoPDF(doc, svg, MARGIN, doc.y, { width, height: CHART_HEIGHT, assumePt: true });
  doc.x = MARGIN;
  doc.y += CHART_HEIGHT + 4;
}

function drawTable(doc: PDFKit.PDFDocument, table: TableSpec, width: number, bottom: () => number): void {
  doc.font('Helvetica-Bold').fontSize(11).fillColor('black').text(table.title, MARGIN, doc.y);
  doc.moveDown(0.3);
  // The first column takes what the others leave; the others share equally.
  const rest = table.columns.length - 1;
  const other = rest === 0 ? 0 : Math.min(110, (width * 0.6) / rest);
  const widths = table.columns.map((_, i) => (i === 0 ? width - rest * other : other));
  const row = (cells: readonly string[], bold: boolean, shade: boolean) => {
    if (doc.y + ROW_HEIGHT > bottom()) {
      doc.addPage();
      row(
        table.columns.map((c) => c.label),
        true,
        true,
      );
    }
    const y = doc.y;
    if (shade) doc.rect(MARGIN, y, width, ROW_HEIGHT).fill(bold ? '#e6ebf2' : '#f7f8fa');
    doc
      .font(bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(9)
      .fillColor('black');
    let x = MARGIN;
    cells.forEach((cell, i) => {
      const w = widths[i] ?? 0;
      doc.text(cell, x + 4, y + 4, {
        width: w - 8,
        align: table.columns[i]?.align ?? 'left',
        lineBreak: false,
        ellipsis: true,
      });
      x += w;
    });
    doc.x = MARGIN;
    doc.y = y + ROW_HEIGHT;
  };
  row(
    table.columns.map((c) => c.label),
    true,
    true,
  );
  table.rows.forEach((cells, i) => row(cells, false, i % 2 === 1));
}
